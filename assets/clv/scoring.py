"""Score every customer's lifetime value from the orders, or say plainly why the data cannot.

The CLV is a capability with a status (`assets.clv.status`): data without enough purchase history
give an `unavailable` CLV (every value null, the reason in words) instead of a failed refresh,
and a fit the data barely support gives a `low confidence` one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from assets.clv.errors import CLVDataError, NoSpendError
from assets.clv.models import fit_purchase_model
from assets.clv.spend import fit_spend_model
from assets.clv.status import ClvStatus, fit_confidence, fit_doubts, missing_history, unavailable
from assets.clv.summary import customer_summary
from assets.clv.tables import customer_clv_table, parameter_table, unscored_clv_table
from assets.clv.value import customer_lifetime_value

if TYPE_CHECKING:  # the Dagster config class; this module stays free of Dagster at run time
    from assets.clv.assets import ClvConfig


@dataclass(frozen=True)
class Scored:
    """What a CLV fit produced: the per-customer table, the parameter table and the status."""

    clv: pl.DataFrame
    parameters: pl.DataFrame
    status: ClvStatus
    spend_skipped: str | None = None
    purchase_model: str | None = None


def score_customers(orders: pl.DataFrame, customers: pl.DataFrame, config: ClvConfig, calibration_end: date) -> Scored:
    """Fit on the orders up to ``calibration_end`` and score every customer in ``customers``.

    Customers without orders get P(alive) null and zero expected purchases and value; customers
    whose repeat spend is unknown (amounts missing) get null spend and CLV. When the data cannot
    support a purchase model (no purchases, a single day, fewer than 10 buyers, no repeat buyer,
    a refused fit) every value is null and the status says why; when every known repeat amount is
    0, P(alive) and expected purchases are kept and the value columns are null.
    """
    summary = customer_summary(
        orders.select("customer_id", "ordered_at", pl.col("order_amount_usd").cast(pl.Float64).alias("amount")),
        calibration_end=calibration_end,
        time_unit=config.time_unit,
    )
    common = {"time_unit": config.time_unit, "calibration_end": calibration_end}
    reason = missing_history(summary)
    if reason is None:
        x, t_x, big_t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
        try:
            purchase_fit = fit_purchase_model(x, t_x, big_t, model=config.purchase_model)
        except CLVDataError as exc:
            reason = f"no purchase model could be fitted to this history ({exc})"
    if reason is not None:
        status = unavailable(reason)
        clv = unscored_clv_table(customers, horizon_months=config.horizon_months, status=status, **common)
        return Scored(clv, parameter_table(None, None, None, status=status, **common), status)
    try:
        spend_fit, spend_skipped = fit_spend_model(summary)
        no_spend = None
    except NoSpendError as exc:
        spend_fit, spend_skipped, no_spend = None, None, exc
    values = customer_lifetime_value(
        purchase_fit,
        spend_fit,
        x,
        t_x,
        big_t,
        summary["monetary_value"].fill_null(0.0).to_numpy(),
        time_unit=config.time_unit,
        horizon_months=config.horizon_months,
        monthly_discount_rate=config.monthly_discount_rate,
    )
    if no_spend is not None:
        status = unavailable(
            "every repeat purchase with a known amount is worth 0, so there is no spend to value customers by "
            "(P(alive) and expected purchases are still estimated)"
        )
    else:
        status = fit_confidence(fit_doubts(purchase_fit, spend_fit))
    clv = customer_clv_table(
        summary,
        values,
        customers,
        horizon_months=config.horizon_months,
        purchase_model=purchase_fit.model,
        status=status,
        **common,
    )
    parameters = parameter_table(purchase_fit, spend_fit, spend_skipped, status=status, **common)
    return Scored(clv, parameters, status, spend_skipped, purchase_fit.model)
