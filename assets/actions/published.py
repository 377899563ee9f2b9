"""The action tables publication adds to the published file: table name -> (candidate asset, grain)."""

import dagster as dg

from assets.actions.assets import CUSTOMER_BEST_CHANNEL, SEGMENT_CHANNEL_RESPONSE

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
    "action_status": (
        SEGMENT_CHANNEL_RESPONSE,
        "One row per action capability: ready or unavailable, and why, in plain words.",
    ),
}
