"""Drift gate: segment shares of the candidate against the version analysts see now.

A segment whose share of customers moved more than ``drift_warn_share_change`` since the last
publication warns (published anyway); more than ``drift_block_share_change`` blocks publication,
since a jump that large is more often a broken feed or rule than a changed customer base.
Personas only ever warn (see ``WARN_ONLY_KINDS``).
"""

import dagster as dg
import polars as pl

from assets.clv.assets import CANDIDATE_SCHEMA
from assets.ingest.assets import WAREHOUSE_POOL
from assets.publish.history import segment_shares, share_drift
from assets.publish.store import open_published
from assets.segments.assets import CUSTOMER_SEGMENTS
from assets.segments.profiles import SEGMENT_KINDS
from assets.warehouse import read_table
from orchestration.resources import Publication, Warehouse

SHOWN = 10
WARN_ONLY_KINDS = ("persona",)
"""Kinds whose drift warns but never blocks: persona names are derived from each refresh's clusters,
so a persona whose distinguishing features change is renamed, and its whole share moves."""


def drift_result(
    drift: pl.DataFrame, previous_version: int, warn_above: float, block_above: float
) -> dg.AssetCheckResult:
    """Pass, warn or fail (blocking) from the largest share change; metadata lists the largest moves."""
    largest = float(drift["share_change"].max() or 0.0)
    blocking_moves = drift.filter(~pl.col("segment_kind").is_in(WARN_ONLY_KINDS))
    largest_blocking = float(blocking_moves["share_change"].max() or 0.0) if blocking_moves.height else 0.0
    severity = dg.AssetCheckSeverity.ERROR if largest_blocking > block_above else dg.AssetCheckSeverity.WARN
    moves = [
        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
        for row in drift.filter(pl.col("share_change") > 0).head(SHOWN).iter_rows(named=True)
    ]
    return dg.AssetCheckResult(
        passed=largest <= warn_above,
        severity=severity,
        metadata={
            "compared_with_version": previous_version,
            "largest_share_change": dg.MetadataValue.float(largest),
            "warn_above": dg.MetadataValue.float(warn_above),
            "block_above": dg.MetadataValue.float(block_above),
            "largest_moves": dg.MetadataValue.json(moves),
        },
    )


@dg.asset_check(
    asset=CUSTOMER_SEGMENTS,
    blocking=True,
    pool=WAREHOUSE_POOL,
    description=(
        "Segment shares moved little since the published version: above the warning threshold the check "
        "warns, above the blocking threshold it fails and stops publication."
    ),
)
def customer_segment_shares_are_stable(warehouse: Warehouse, publication: Publication) -> dg.AssetCheckResult:
    store = publication.store
    previous_version = store.current_version()
    if previous_version is None:
        return dg.AssetCheckResult(passed=True, metadata={"compared_with_version": "none: first publication"})
    with open_published(store.current) as con:
        published = con.sql("select * from published.customer_segments").pl()
    with warehouse.connect(read_only=True) as con:
        candidate = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
    kinds = list(SEGMENT_KINDS)
    drift = share_drift(segment_shares(published, kinds), segment_shares(candidate, kinds))
    return drift_result(
        drift, previous_version, publication.drift_warn_share_change, publication.drift_block_share_change
    )
