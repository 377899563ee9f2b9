"""What customers buy: each simulated transaction becomes an order of one or more lines.

Spend follows Gamma-Gamma: an order is worth z ~ Gamma(p, nu) USD, nu being the customer's spend
scale. The value is split over the order's lines at random; each line picks a category from the
customer's own category mix (scattered around the persona's, with the co-purchase patterns of
`sample_data.co_purchases` planted on top) and the catalogue product whose list
price fits the line's share, and the quantity that brings the line closest to it. Lines therefore
carry real catalogue prices and the order adds up to z within a few percent. Lines bought on
offer also carry the higher list price they were reduced from (`sample_data.discounts`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from sample_data.behaviour import PurchaseHistory
from sample_data.catalogue import Catalogue
from sample_data.co_purchases import plant_co_purchases
from sample_data.columns import labels, padded_id
from sample_data.customers import Customers
from sample_data.discounts import list_prices
from sample_data.persona import Persona, parameter, probability_table
from sample_data.sampling import categorical, dirichlet_rows, sum_in_group
from sample_data.vocabulary import CATEGORIES, ORDER_CHANNELS

PURCHASE_COLUMNS: tuple[str, ...] = (
    "order_id",
    "customer_id",
    "ordered_at",
    "product_id",
    "category",
    "quantity",
    "unit_price",
    "channel",
    "list_price",
)
ORDER_ID_DIGITS = 9
TASTE_CONCENTRATION = 20.0  # larger: customers' channel and category mixes stay closer to their persona's
CATEGORY_FLOOR = 0.01  # every persona sometimes buys from every category


def order_lines(
    rng: np.random.Generator,
    customers: Customers,
    history: PurchaseHistory,
    personas: Sequence[Persona],
    catalogue: Catalogue,
    *,
    first_order_number: int,
    id_digits: int,
) -> pl.DataFrame:
    """One row per order line, orders numbered from `first_order_number` in time order."""
    who = customers.persona
    buyer = history.transaction_customer  # one entry per order, already in time order
    orders = buyer.shape[0]

    channel_mix = dirichlet_rows(
        rng, probability_table(personas, "order_channels", ORDER_CHANNELS)[who], TASTE_CONCENTRATION
    )
    category_mix = dirichlet_rows(
        rng, probability_table(personas, "categories", CATEGORIES, floor=CATEGORY_FLOOR)[who], TASTE_CONCENTRATION
    )
    value = rng.gamma(parameter(personas, "purchases.p")[who][buyer], 1 / history.spend_scale[buyer])
    channel = categorical(rng, channel_mix[buyer])
    lines = 1 + rng.poisson(parameter(personas, "lines_per_order")[who][buyer] - 1)

    order = np.repeat(np.arange(orders), lines)
    line_customer = buyer[order]
    weight = rng.exponential(size=order.shape[0])
    target = value[order] * weight / sum_in_group(weight, lines)[order]
    category = plant_co_purchases(
        rng, categorical(rng, category_mix[line_customer]), order, line_customer, customers.count
    )
    wanted = 1 + rng.poisson(parameter(personas, "extra_quantity")[who][line_customer])
    product = catalogue.nearest(category, target / wanted)
    quantity = np.maximum(1, np.round(target / catalogue.price[product])).astype(np.int64)
    order, product, quantity = _merge_repeated_products(order, product, quantity, len(catalogue.price))
    line_customer = buyer[order]
    list_price = list_prices(rng, catalogue.price[product], who[line_customer], personas)

    frame = pl.DataFrame(
        {
            "order_number": first_order_number + order,
            "customer_number": customers.number[line_customer],
            "ordered_at": history.transaction_at[order],
            "product_id": labels(catalogue.product_id, product),
            "category": labels(CATEGORIES, catalogue.category[product]),
            "quantity": quantity,
            "unit_price": catalogue.price[product],
            "channel": labels(ORDER_CHANNELS, channel[order]),
            "list_price": list_price,
        }
    )
    return frame.select(
        padded_id("O", pl.col("order_number"), ORDER_ID_DIGITS).alias("order_id"),
        padded_id("C", pl.col("customer_number"), id_digits).alias("customer_id"),
        pl.from_epoch("ordered_at", time_unit="s").alias("ordered_at"),
        *PURCHASE_COLUMNS[3:],
    )


def _merge_repeated_products(
    order: np.ndarray, product: np.ndarray, quantity: np.ndarray, products: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One line per product and order: a product drawn twice for an order gets its quantities added.

    Lines keep their order (by order, then first appearance), as a shop's export would list them.
    """
    key = order * products + product
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    total = np.bincount(inverse, weights=quantity).astype(np.int64)
    keep = np.sort(first)
    return order[keep], product[keep], total[inverse[keep]]
