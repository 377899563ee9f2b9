"""Ingestion assets: one raw table per feed, with row conservation checks in SQL.

Raw feeds can be tens of millions of lines, so their row-level checks run in DuckDB where the
rows are; great-expectations suites run on the customer-level tables downstream. Check metadata
and log lines leave `raw.*`: they name file, line and field and pass through `safe_message`
(no contact values, bounded length).
"""

from datetime import datetime

import dagster as dg

from assets.freshness import DAILY_REFRESH
from assets.ingest.config import DEFAULT_MAX_QUARANTINE_SHARE
from assets.ingest.currency import missing_rates, reporting_currency
from assets.ingest.feeds import FEEDS, Feed
from assets.ingest.loading import DUPLICATE_REASON, create_empty_feed, load_feed
from assets.ingest.pii import resolve_pii_key, safe_message
from assets.ingest.reshaping import unmapped_values
from assets.ingest.validation import NOT_PURCHASE_REASON
from orchestration.resources import Landing, Warehouse

WAREHOUSE_POOL = "duckdb_warehouse"
OWNER = "team:data-platform"
MAX_QUARANTINE_SHARE = DEFAULT_MAX_QUARANTINE_SHARE


def raw_key(feed: Feed) -> dg.AssetKey:
    return dg.AssetKey(["raw", feed.name])


def build_raw_asset(feed: Feed) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_key(feed),
        description=(
            f"{feed.description} Loaded from the landing folder (`<landing>/{feed.name}/` by default) into "
            f"`raw.{feed.name}`, "
            f"{feed.grain}. Only new and changed files are read (see `raw.load_manifest`); rows that fail their "
            "field rules, and duplicates of rows already loaded, go to `raw.quarantined_rows` with a reason."
        ),
        group_name="ingest",
        kinds={"duckdb", "polars", "csv"},
        owners=[OWNER],
        pool=WAREHOUSE_POOL,
        freshness_policy=DAILY_REFRESH,
    )
    def _raw_feed(context: dg.AssetExecutionContext, warehouse: Warehouse, landing: Landing) -> dg.MaterializeResult:
        source = landing.pipeline_config().source(feed.name)
        with warehouse.connect() as con:
            if source is None:
                create_empty_feed(con, feed)
                context.log.info(f"The {feed.name} feed is not configured: raw.{feed.name} is left empty.")
                return dg.MaterializeResult(metadata={"dagster/row_count": 0, "configured": False})
            pii_key = None
            if any(f.contact for f in feed.fields):
                pii_key, key_source = resolve_pii_key(warehouse.file)
                context.log.info(f"{feed.name}: contact details pseudonymised with the key from the {key_source}")
            load = load_feed(con, source, now=datetime.now(), pii_key=pii_key)
            rows = con.execute(f"select count(*) from raw.{feed.name}").fetchone()[0]
            nulled = con.execute("select count(*) from raw.nulled_values where feed = ?", [feed.name]).fetchall()[0][0]
            unmapped = unmapped_values(con, source)
        for name, values in unmapped.items():
            context.log.warning(f"{feed.name}.{name}: {sum(values.values())} row(s) with values no value map knows")
        for failed in load.failed:
            context.log.error(safe_message(f"{feed.name}: file not loaded: {failed.problem}"))
        for path in load.unsettled:
            context.log.warning(
                f"{feed.name}: {path} is still being written (changed within settle_seconds); not loaded yet"
            )
        if load.total("rows_quarantined"):
            context.log.warning(f"{feed.name}: {load.total('rows_quarantined')} row(s) quarantined in this load")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": dg.MetadataValue.int(rows),
                "dagster/table_name": f"raw.{feed.name}",
                "files_loaded": dg.MetadataValue.int(sum(o.status == "loaded" for o in load.outcomes)),
                "files_unchanged": dg.MetadataValue.int(len(load.skipped)),
                "files_same_content": dg.MetadataValue.int(sum(o.status == "same_content" for o in load.outcomes)),
                "files_failed": dg.MetadataValue.json([safe_message(o.problem) for o in load.failed]),
                "files_unsettled": dg.MetadataValue.json(load.unsettled),
                "rows_read": dg.MetadataValue.int(load.total("rows_read")),
                "rows_loaded": dg.MetadataValue.int(load.total("rows_loaded")),
                "rows_quarantined": dg.MetadataValue.int(load.total("rows_quarantined")),
                "rows_duplicate": dg.MetadataValue.int(load.total("rows_duplicate")),
                "values_nulled": dg.MetadataValue.int(int(nulled)),  # implausible values in loaded rows
                "unmapped_values": dg.MetadataValue.json(unmapped),
            }
        )

    return _raw_feed


def build_raw_checks(feed: Feed) -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(
        asset=raw_key(feed),
        name=f"raw_{feed.name}_rows_are_conserved",
        description="Every file's rows read equal its rows loaded plus rows quarantined.",
        blocking=True,
        pool=WAREHOUSE_POOL,
    )
    def _conserved(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            rows = con.execute(
                f"""
                with loaded as (
                    select _source_file as source_file, count(*) as n from raw.{feed.name} group by all
                ),
                quarantined as (
                    select source_file, count(*) as n from raw.quarantined_rows where feed = ? group by all
                )
                select log.source_file, log.rows_read, coalesce(l.n, 0), coalesce(q.n, 0)
                from raw.load_manifest as log
                left join loaded as l using (source_file)
                left join quarantined as q using (source_file)
                where log.feed = ? and log.status = 'loaded'
                    and (log.rows_read <> coalesce(l.n, 0) + coalesce(q.n, 0)
                        or log.rows_loaded <> coalesce(l.n, 0) or log.rows_quarantined <> coalesce(q.n, 0))
                """,
                [feed.name, feed.name],
            ).fetchall()
        return dg.AssetCheckResult(
            passed=not rows,
            metadata={
                "files_out_of_balance": dg.MetadataValue.json(
                    [{"file": f, "read": r, "loaded": lo, "quarantined": q} for f, r, lo, q in rows[:20]]
                )
            },
        )

    @dg.asset_check(
        asset=raw_key(feed),
        name=f"raw_{feed.name}_quarantine_share_is_small",
        description=(
            f"At most {MAX_QUARANTINE_SHARE:.0%} of the rows (or the feed's `max_quarantine_share`) are quarantined "
            "for a broken rule (duplicates and rows that are no purchase, such as lost deals, not counted); more "
            "means a broken export."
        ),
        blocking=True,
        pool=WAREHOUSE_POOL,
    )
    def _quarantine_small(warehouse: Warehouse, landing: Landing) -> dg.AssetCheckResult:
        source = landing.pipeline_config().source(feed.name)
        limit = source.max_quarantine_share if source is not None else MAX_QUARANTINE_SHARE
        with warehouse.connect(read_only=True) as con:
            read, quarantined = con.execute(
                "select coalesce(sum(rows_read - rows_duplicate), 0), "
                "coalesce(sum(rows_quarantined - rows_duplicate), 0) "
                "from raw.load_manifest where feed = ? and status = 'loaded'",
                [feed.name],
            ).fetchone()
            # open and lost deals are accounted for, not broken: out of both counts
            not_purchases = con.execute(
                "select count(*) from raw.quarantined_rows as q join raw.load_manifest as m "
                "on m.feed = q.feed and m.source_file = q.source_file and m.status = 'loaded' "
                "where q.feed = ? and starts_with(q.reason, ?)",
                [feed.name, NOT_PURCHASE_REASON],
            ).fetchone()[0]
            read, quarantined = read - not_purchases, quarantined - not_purchases
            samples = con.execute(
                "select source_file, source_row, reason from raw.quarantined_rows where feed = ? "
                "and not starts_with(reason, ?) and not starts_with(reason, ?) order by source_file, source_row "
                "limit 10",
                [feed.name, DUPLICATE_REASON, NOT_PURCHASE_REASON],
            ).fetchall()
        share = quarantined / read if read else 0.0
        return dg.AssetCheckResult(
            passed=share <= limit,
            metadata={
                "rows_read": dg.MetadataValue.int(int(read)),
                "rows_quarantined": dg.MetadataValue.int(int(quarantined)),
                "quarantine_share": dg.MetadataValue.float(share),
                "max_quarantine_share": dg.MetadataValue.float(limit),
                "sample_quarantined_rows": dg.MetadataValue.json(
                    [{"file": f, "row": r, "reason": safe_message(why, 300)} for f, r, why in samples]
                ),
            },
        )

    @dg.asset_check(
        asset=raw_key(feed),
        name=f"raw_{feed.name}_files_are_all_loaded",
        description=(
            "No landed file is left failed in the load manifest (empty, unreadable, missing columns); "
            "the other files load, and a failed file is retried on every refresh until it loads."
        ),
        blocking=True,
        pool=WAREHOUSE_POOL,
    )
    def _all_loaded(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            failed = con.execute(
                "select source_file, problem from raw.load_manifest where feed = ? and status = 'failed' "
                "order by source_file",
                [feed.name],
            ).fetchall()
        return dg.AssetCheckResult(
            passed=not failed,
            metadata={
                "failed_files": dg.MetadataValue.json(
                    [{"file": f, "problem": safe_message(p, 500)} for f, p in failed[:20]]
                )
            },
        )

    checks = [_conserved, _quarantine_small, _all_loaded]
    return [*checks, _currencies_have_rates()] if feed.name == "purchases" else checks


def _currencies_have_rates() -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", "purchases"]),
        additional_deps=[dg.AssetKey(["raw", "currency_rates"])],
        name="raw_purchases_currencies_have_rates",
        description=(
            "Every purchase line's currency converts to the reporting currency on its date: the reporting "
            "currency itself, or a rate in the configured currency_rates file. Amounts are never summed across "
            "currencies unconverted."
        ),
        blocking=True,
        pool=WAREHOUSE_POOL,
    )
    def _rated(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            reporting = reporting_currency(con)
            missing = missing_rates(con)
        return dg.AssetCheckResult(
            passed=not missing,
            metadata={
                "reporting_currency": dg.MetadataValue.text(reporting or ""),
                "problems": dg.MetadataValue.json([m.message(reporting or "") for m in missing]),
            },
        )

    return _rated


raw_assets = [build_raw_asset(feed) for feed in FEEDS]
raw_checks = [check for feed in FEEDS for check in build_raw_checks(feed)]
