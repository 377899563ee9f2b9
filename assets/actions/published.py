"""The action tables publication adds to the published file: table name -> (candidate asset, grain)."""

import dagster as dg

from assets.actions.channel_assets import CUSTOMER_BEST_CHANNEL, SEGMENT_CHANNEL_RESPONSE
from assets.actions.cross_sell_assets import CROSS_SELL_BACKTEST, CUSTOMER_NEXT_CATEGORIES, SEGMENT_CATEGORY_AFFINITY
from assets.actions.life_event_assets import LIFE_EVENTS
from assets.actions.price_assets import SEGMENT_PRICE_SENSITIVITY
from assets.actions.prospect_assets import PROSPECT_MODEL, PROSPECT_SCORES

ACTION_TABLES: dict[str, tuple[dg.AssetKey, str]] = {
    "segment_channel_response": (
        SEGMENT_CHANNEL_RESPONSE,
        "One row per segment of each kind and channel: contacts, response and conversion rates with 95% "
        "intervals, and lift over the channel's average.",
    ),
    "customer_best_channel": (
        CUSTOMER_BEST_CHANNEL,
        "One row per customer: the channel that responds best for them, and whether from their own "
        "responses, their persona's or all customers'.",
    ),
    "segment_category_affinity": (
        SEGMENT_CATEGORY_AFFINITY,
        "One row per segment of each kind and category: buyers, share, lift over the base, spend.",
    ),
    "customer_next_categories": (
        CUSTOMER_NEXT_CATEGORIES,
        "Up to three rows per customer: the next categories to offer, ranked.",
    ),
    "cross_sell_backtest": (
        CROSS_SELL_BACKTEST,
        "One row per method and k: hold-out hit rate of the offers against the popularity baseline.",
    ),
    "prospect_scores": (
        PROSPECT_SCORES,
        "One row per sign-up without a purchase: first-purchase probability within the horizon and prospect segment.",
    ),
    "prospect_model": (PROSPECT_MODEL, "One row: the prospect model's hold-out AUC against its baseline."),
    "segment_price_sensitivity": (
        SEGMENT_PRICE_SENSITIVITY,
        "One row per segment of each kind: share of lines on offer or low price tier, and the average discount.",
    ),
    "life_events": (
        LIFE_EVENTS,
        "One row per customer, profile change and field: from, to, the event in words, and whether it is new "
        "since the last version.",
    ),
    "action_status": (
        SEGMENT_CHANNEL_RESPONSE,
        "One row per action capability: ready or unavailable, and why, in plain words.",
    ),
}
