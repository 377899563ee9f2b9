"""The publish asset on a tiny warehouse, as a run launched from Dagster (not `segments refresh`) runs it."""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.publish.assets import published_segments
from assets.publish.log import read_log
from assets.publish.store import PublishedStore
from orchestration.resources import Publication, Warehouse

NOTE = "low confidence: a test's doubt. Read the CLV as a rough ranking, not as amounts to plan with"


def write_candidate(warehouse: Path, rfm: dict[str, str]) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        segments = pl.DataFrame({"customer_id": list(rfm), "rfm_segment": list(rfm.values())})
        segments = segments.with_columns(value_tier=pl.lit("Rest"))
        consent = pl.DataFrame(
            {
                "customer_id": list(rfm),
                "has_marketing_consent": [i % 2 == 0 for i in range(len(rfm))],
                "preferred_contact_channel": "email",
            }
        )
        emails = pl.DataFrame({"customer_id": list(rfm), "email": [f"{c}@example.org" for c in rfm]})
        con.execute("create schema if not exists candidate; create schema if not exists marts")
        for name, frame in {
            "candidate.customer_segments": segments,
            "candidate.customer_clv": segments.select("customer_id", clv_usd=pl.lit(10.0)),
            "candidate.segment_profiles": segments.group_by("rfm_segment").len(),
            "candidate.clv_model_parameters": pl.DataFrame(
                {"model": ["bgnbd", "clv"], "parameter": ["r", "status"], "value": [0.2, None], "note": [None, NOTE]}
            ),
            "candidate.clv_backtest": pl.DataFrame({"model": ["bgnbd"], "customers": [len(rfm)]}),
            "candidate.unknown_values": pl.DataFrame({"source": ["vocabularies.urbanicities"], "value": ["town"]}),
            "candidate.segment_channel_response": pl.DataFrame({"segment": ["Loyal"], "channel": ["sms"]}),
            "candidate.customer_best_channel": segments.select("customer_id", best_channel=pl.lit("sms")),
            "candidate.segment_category_affinity": pl.DataFrame({"segment": ["Loyal"], "category": ["tea"]}),
            "candidate.customer_next_categories": segments.select("customer_id", category=pl.lit("tea")),
            "candidate.cross_sell_backtest": pl.DataFrame({"method": ["co_purchase"], "hit_rate": [0.5]}),
            "candidate.prospect_scores": segments.select("customer_id", prospect=pl.lit("Likely buyer")),
            "candidate.prospect_model": pl.DataFrame({"horizon_days": [30], "auc": [0.6]}),
            "candidate.segment_price_sensitivity": pl.DataFrame({"segment": ["Loyal"], "lines": [3]}),
            "candidate.life_events": pl.DataFrame(
                {
                    "customer_id": ["a", "b"],
                    "field": ["life_stage", "life_stage"],
                    "event": ["became Young family", "became Young family"],
                    "is_new_since_last_version": [True, True],
                }
            ),
            "candidate.action_status": pl.DataFrame({"capability": ["channel response"], "status": ["ready"]}),
            "marts.dim_customer_features": consent,
            "marts.dim_customers": emails,
        }.items():
            con.register("frame", frame.to_arrow())
            con.execute(f"create or replace table {name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()


def publish(warehouse: Path, store: PublishedStore) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [published_segments],
        resources={"warehouse": Warehouse(path=str(warehouse)), "publication": Publication(path=str(store.root))},
    )


def test_two_publications_from_dagster_runs_log_history_transitions_exports_and_the_warehouse_copy(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    write_candidate(warehouse, {"a": "Loyal", "b": "Loyal", "c": "Lost"})
    assert publish(warehouse, store).success
    write_candidate(warehouse, {"a": "At risk", "b": "Loyal", "d": "New"})
    assert publish(warehouse, store).success

    log = read_log(store.log_file)
    assert log.select("version", "status", "published_version").rows() == [(1, "published", 1), (2, "published", 2)]
    con = duckdb.connect(str(store.current), read_only=True)
    try:
        assert con.execute("select version, previous_version, customers from segments.publication").fetchall() == [
            (2, 1, 3)
        ]
        # the CLV's status, as the candidate parameters state it, travels with the version
        assert con.execute("select clv_status, clv_note from segments.publication").fetchall() == [
            ("low confidence", NOTE)
        ]
        assert con.execute(
            "select version, count(*) from segments.segment_history group by version order by version"
        ).fetchall() == [(1, 6), (2, 6)]
        moves = con.execute(
            "select from_segment, to_segment, customers from segments.segment_transitions "
            "where segment_kind = 'rfm_segment' order by all"
        ).fetchall()
        assert moves == [("Lost", None, 1), ("Loyal", "At risk", 1), ("Loyal", "Loyal", 1), (None, "New", 1)]
        assert con.execute("select count(*) from segments.publish_log").fetchone()[0] == 2
    finally:
        con.close()
    # customers a, c (first run) and a, d (second run) consented: only they are exported
    exported = pl.read_parquet(store.exports_dir / "v000002" / "rfm_segment" / "*.parquet")
    assert sorted(exported["customer_id"]) == ["a", "d"]
    assert sorted(p.name for p in (store.exports_dir / "v000002" / "rfm_segment").glob("*.csv")) == [
        "at_risk.csv",
        "loyal.csv",
        "new.csv",
    ]
    # the life-event audience holds the consenting customers who became a young family (a, not b)
    young_family = pl.read_parquet(store.exports_dir / "v000002" / "life_event" / "became_young_family.parquet")
    assert young_family.select("customer_id", "best_channel", "segment").rows() == [("a", "sms", "became Young family")]
    likely = pl.read_parquet(store.exports_dir / "v000002" / "prospect" / "likely_buyer.parquet")
    assert likely["customer_id"].to_list() == ["a", "d"]  # the consenting ones
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select version from segments.publication").fetchone()[0] == 2
    finally:
        con.close()
