"""Action assets: the channel each segment and customer answers best, from the campaign responses feed."""

import dagster as dg
import polars as pl

from assets.actions.best_channel import DEFAULT_KIND, customer_best_channels
from assets.actions.channels import BEST_CHANNEL_SCHEMA, CHANNEL_RESPONSE_SCHEMA, contacts, segment_channel_response
from assets.actions.status import Status, record_status
from assets.clv.assets import CANDIDATE_SCHEMA
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.segments.assets import CUSTOMER_SEGMENTS
from assets.segments.profiles import SEGMENT_KINDS
from assets.warehouse import read_table, replace_table
from orchestration.resources import Warehouse

SEGMENT_CHANNEL_RESPONSE = dg.AssetKey([CANDIDATE_SCHEMA, "segment_channel_response"])
CUSTOMER_BEST_CHANNEL = dg.AssetKey([CANDIDATE_SCHEMA, "customer_best_channel"])
CAMPAIGN_RESPONSES = dg.AssetKey(["raw", "campaign_responses"])
GROUP = "actions"


def channel_response_tables(
    responses: pl.DataFrame, segments: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, Status]:
    """Both channel tables and the capability's status; empty tables when no contact is known."""
    if responses.is_empty():
        reason = (
            "No campaign responses were loaded: configure the campaign_responses feed (one row per customer, "
            "campaign, channel and outcome) to see which channel works for each segment."
        )
        empty = (pl.DataFrame(schema=CHANNEL_RESPONSE_SCHEMA), pl.DataFrame(schema=BEST_CHANNEL_SCHEMA))
        return *empty, Status.unavailable("channel response", "segment_channel_response", reason)
    contact_rows = contacts(responses)
    kinds = [kind for kind in SEGMENT_KINDS if kind in segments.columns]
    table = segment_channel_response(contact_rows, segments, kinds)
    best = customer_best_channels(contact_rows, segments, table, DEFAULT_KIND)
    reason = (
        f"{contact_rows.height} contacts of {contact_rows['customer_id'].n_unique()} customers on "
        f"{contact_rows['channel'].n_unique()} channels."
    )
    return table, best, Status.ready("channel response", "segment_channel_response", table.height, reason)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SEGMENT_CHANNEL_RESPONSE,
            deps=[CUSTOMER_SEGMENTS, CAMPAIGN_RESPONSES],
            description=(
                "One row per segment of each kind and channel: contacts, responses (clicked or converted), "
                "conversions, response and conversion rates with 95% Wilson intervals, and the lift over the "
                "channel's rate among all contacts. Empty, with the reason in `action_status`, when no campaign "
                "responses are loaded."
            ),
            group_name=GROUP,
            kinds={"polars", "duckdb"},
            owners=[OWNER],
        ),
        dg.AssetSpec(
            CUSTOMER_BEST_CHANNEL,
            deps=[CUSTOMER_SEGMENTS, CAMPAIGN_RESPONSES],
            description=(
                "One row per customer: the channel to contact them on, their own when their responses show it "
                "beats their persona's best channel, else the persona's, and on what basis."
            ),
            group_name=GROUP,
            kinds={"polars", "duckdb"},
            owners=[OWNER],
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def channel_response(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Build both channel tables from the raw campaign responses and the candidate segments."""
    with warehouse.connect(read_only=True) as con:
        responses = con.sql("select customer_id, campaign_id, channel, outcome from raw.campaign_responses").pl()
        segments = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
    table, best, status = channel_response_tables(responses, segments)
    with warehouse.connect() as con:
        replace_table(con, CANDIDATE_SCHEMA, "segment_channel_response", table)
        replace_table(con, CANDIDATE_SCHEMA, "customer_best_channel", best)
        record_status(con, CANDIDATE_SCHEMA, status)
    context.log.info(f"channel response: {status.status}: {status.reason}")
    basis = dict(best["best_channel_basis"].value_counts().iter_rows()) if best.height else {}
    yield dg.MaterializeResult(
        asset_key=SEGMENT_CHANNEL_RESPONSE,
        metadata={
            **frame_metadata(table, table="candidate.segment_channel_response"),
            "status": status.status,
            "reason": status.reason,
        },
    )
    yield dg.MaterializeResult(
        asset_key=CUSTOMER_BEST_CHANNEL,
        metadata={
            **frame_metadata(best, table="candidate.customer_best_channel"),
            "basis": dg.MetadataValue.json({str(k): int(v) for k, v in basis.items()}),
        },
    )
