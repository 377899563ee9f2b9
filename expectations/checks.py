"""Blocking asset checks that run the great-expectations suites and the coverage checks.

A failed check stops everything downstream in the run, publication included: the published
tables are only written after all of these pass.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from assets.clv.assets import CANDIDATE_SCHEMA, CLV_BACKTEST, CLV_MODEL_PARAMETERS, CUSTOMER_CLV
from assets.clv.status import MODELLED
from assets.features.dbt import CUSTOMER_FEATURES
from assets.ingest.assets import WAREHOUSE_POOL
from assets.report.serve import docs_url
from assets.segments.assets import CUSTOMER_SEGMENTS, SEGMENT_PROFILES
from assets.segments.profiles import SEGMENT_KINDS
from assets.warehouse import read_table
from expectations.coverage import customer_coverage
from expectations.drift import customer_segment_shares_are_stable
from expectations.validation import SuiteOutcome
from orchestration.resources import Landing, Publication, Warehouse


def data_docs_folder(publication: Publication, run_id: str) -> Path:
    """One folder of validation pages per refresh: by version under `segments refresh`, else by run."""
    name = f"v{publication.version:06d}" if publication.version else f"run-{run_id[:8]}"
    return publication.store.data_docs_dir / name


def suite_check_result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    """Map a suite outcome to a check result whose metadata lists each failure with sample values."""
    return dg.AssetCheckResult(
        passed=outcome.success,
        metadata={
            "suite": outcome.suite,
            "rows_validated": dg.MetadataValue.int(outcome.rows),
            "expectations_evaluated": dg.MetadataValue.int(outcome.evaluated),
            "expectations_failed": dg.MetadataValue.int(len(outcome.failed)),
            "failed_expectations": dg.MetadataValue.json([f.as_dict() for f in outcome.failed]),
            **({"expectations": dg.MetadataValue.md(outcome.summary)} if outcome.summary else {}),
            **(_data_docs_links(outcome.data_docs) if outcome.data_docs else {}),
        },
    )


def _data_docs_links(page: Path) -> dict[str, dg.MetadataValue]:
    """The page on disk, and where `segments docs` serves it (the UI cannot open `file://` links)."""
    served = Path(page.parent.parent.name) / page.parent.name / page.name
    return {"data_docs": dg.MetadataValue.path(str(page)), "data_docs_url": dg.MetadataValue.url(docs_url(served))}


def _validate(
    context: dg.AssetCheckExecutionContext,
    schema: str,
    table: str,
    warehouse: Warehouse,
    publication: Publication,
    build_suite: Callable[[pl.DataFrame], Any],
) -> dg.AssetCheckResult:
    from expectations.validation import validate_frame  # imports great_expectations: only when a check runs

    with warehouse.connect(read_only=True) as con:
        frame = read_table(con, schema, table)
    docs = data_docs_folder(publication, context.run.run_id)
    return suite_check_result(validate_frame(build_suite(frame), frame, data_docs=docs))


@dg.asset_check(
    asset=CUSTOMER_FEATURES, blocking=True, pool=WAREHOUSE_POOL, description="The customer_features suite passes."
)
def customer_features_pass_expectations(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse, publication: Publication
) -> dg.AssetCheckResult:
    from expectations.suites import customer_features_suite

    def suite(frame: pl.DataFrame) -> Any:
        return customer_features_suite([c for c in frame.columns if c.startswith("survey_") and c.endswith("_score")])

    return _validate(context, "marts", "dim_customer_features", warehouse, publication, suite)


@dg.asset_check(asset=CUSTOMER_CLV, blocking=True, pool=WAREHOUSE_POOL, description="The customer_clv suite passes.")
def customer_clv_passes_expectations(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse, publication: Publication
) -> dg.AssetCheckResult:
    from assets.clv.status import UNAVAILABLE
    from expectations.suites import customer_clv_suite

    def suite(frame: pl.DataFrame) -> Any:
        return customer_clv_suite(has_values=not (frame["clv_status"] == UNAVAILABLE).any())

    return _validate(context, CANDIDATE_SCHEMA, "customer_clv", warehouse, publication, suite)


@dg.asset_check(
    asset=CUSTOMER_SEGMENTS, blocking=True, pool=WAREHOUSE_POOL, description="The customer_segments suite passes."
)
def customer_segments_pass_expectations(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse, publication: Publication, landing: Landing
) -> dg.AssetCheckResult:
    from assets.segments.profiles import segment_kinds
    from assets.segments.vocabularies import segmentation_config
    from expectations.suites import customer_segments_suite

    # the labels of this refresh's settings: configured vocabularies may add education labels
    kinds = segment_kinds(segmentation_config(landing.pipeline_config().lookups.vocabularies))
    return _validate(
        context,
        CANDIDATE_SCHEMA,
        "customer_segments",
        warehouse,
        publication,
        lambda _: customer_segments_suite(kinds),
    )


def _coverage_result(warehouse: Warehouse, table: str) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        coverage = customer_coverage(con, CANDIDATE_SCHEMA, table)
    return dg.AssetCheckResult(passed=coverage.passed, metadata=coverage.metadata())


@dg.asset_check(
    asset=CUSTOMER_SEGMENTS,
    blocking=True,
    pool=WAREHOUSE_POOL,
    additional_deps=[CUSTOMER_FEATURES],
    description="Exactly one row per customer in the features: none lost, none added, none twice.",
)
def customer_segments_cover_every_customer(warehouse: Warehouse) -> dg.AssetCheckResult:
    return _coverage_result(warehouse, "customer_segments")


@dg.asset_check(
    asset=CUSTOMER_CLV,
    blocking=True,
    pool=WAREHOUSE_POOL,
    additional_deps=[CUSTOMER_FEATURES],
    description="Exactly one row per customer in the features: none lost, none added, none twice.",
)
def customer_clv_covers_every_customer(warehouse: Warehouse) -> dg.AssetCheckResult:
    return _coverage_result(warehouse, "customer_clv")


@dg.asset_check(
    asset=SEGMENT_PROFILES, blocking=True, pool=WAREHOUSE_POOL, description="The segment_profiles suite passes."
)
def segment_profiles_pass_expectations(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse, publication: Publication
) -> dg.AssetCheckResult:
    from expectations.suites import segment_profiles_suite

    return _validate(
        context, CANDIDATE_SCHEMA, "segment_profiles", warehouse, publication, lambda _: segment_profiles_suite()
    )


@dg.asset_check(
    asset=SEGMENT_PROFILES,
    blocking=True,
    pool=WAREHOUSE_POOL,
    additional_deps=[CUSTOMER_SEGMENTS],
    description="For each kind of segment, the profiles' customers add up to the customer count.",
)
def segment_profiles_add_up_to_customer_count(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        rows = con.execute(
            f"""
            select segment_kind, sum(customers) as profiled,
                   (select count(*) from {CANDIDATE_SCHEMA}.customer_segments) as customers
            from {CANDIDATE_SCHEMA}.segment_profiles
            group by segment_kind
            order by segment_kind
            """
        ).fetchall()
    mismatched = {kind: {"profiled": int(p), "customers": int(c)} for kind, p, c in rows if p != c}
    kinds_missing = sorted(set(SEGMENT_KINDS) - {kind for kind, _, _ in rows})
    return dg.AssetCheckResult(
        passed=not mismatched and not kinds_missing,
        metadata={"mismatched_kinds": mismatched, "kinds_without_profiles": kinds_missing},
    )


@dg.asset_check(
    asset=CLV_MODEL_PARAMETERS,
    blocking=False,
    pool=WAREHOUSE_POOL,
    additional_deps=[CLV_BACKTEST],
    description=(
        "The CLV is modelled with confidence: warns (never blocks) when the data support no model, or when a "
        "parameter is left open, the fit did not converge or the backtest is worse than the naive baseline."
    ),
)
def customer_clv_is_confident(warehouse: Warehouse) -> dg.AssetCheckResult:
    from assets.clv.assets import candidate_status

    with warehouse.connect(read_only=True) as con:
        status = candidate_status(con)
    return dg.AssetCheckResult(
        passed=status.status == MODELLED,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"clv_status": status.status, "reason": status.note},
    )


gx_checks = [
    customer_clv_is_confident,
    customer_features_pass_expectations,
    customer_clv_passes_expectations,
    customer_segments_pass_expectations,
    customer_segments_cover_every_customer,
    customer_clv_covers_every_customer,
    customer_segment_shares_are_stable,
    segment_profiles_pass_expectations,
    segment_profiles_add_up_to_customer_count,
]
