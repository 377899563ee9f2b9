"""Each publication writes its version's report beside the version, linked from the published asset."""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.publish.assets import published_key, published_segments
from assets.publish.store import PublishedStore, write_version
from orchestration.resources import Publication, Warehouse


def write_candidate(warehouse: Path, rfm: dict[str, str]) -> None:
    segments = pl.DataFrame({"customer_id": list(rfm), "rfm_segment": list(rfm.values())})
    frames = {
        "candidate.customer_segments": segments,
        "candidate.customer_clv": segments.select("customer_id", clv_usd=pl.lit(10.0), p_alive=pl.lit(0.5)),
        "candidate.segment_profiles": segments.group_by("rfm_segment")
        .len("customers")
        .select(pl.lit("rfm_segment").alias("segment_kind"), pl.col("rfm_segment").alias("segment"), "customers"),
        "candidate.clv_model_parameters": pl.DataFrame(
            {"model": ["bgnbd", "clv"], "parameter": ["r", "status"], "value": [0.2, None], "note": [None, "modelled"]}
        ),
        "candidate.clv_backtest": pl.DataFrame({"model": ["bgnbd"], "total_error_pct": [3.9]}),
        "candidate.unknown_values": pl.DataFrame({"source": ["vocabularies.urbanicities"], "value": ["town"]}),
        # the marketing actions' candidates (assets/actions), which publication copies and exports from
        "candidate.segment_channel_response": pl.DataFrame({"segment": ["Loyal"], "channel": ["sms"]}),
        "candidate.customer_best_channel": segments.select("customer_id", best_channel=pl.lit("sms")),
        "candidate.segment_category_affinity": pl.DataFrame({"segment": ["Loyal"], "category": ["tea"]}),
        "candidate.customer_next_categories": segments.select("customer_id", category=pl.lit("tea")),
        "candidate.cross_sell_backtest": pl.DataFrame({"method": ["co_purchase"], "hit_rate": [0.5]}),
        "candidate.prospect_scores": segments.select("customer_id", prospect=pl.lit("Likely buyer")),
        "candidate.prospect_model": pl.DataFrame({"horizon_days": [30], "auc": [0.6]}),
        "candidate.segment_price_sensitivity": pl.DataFrame({"segment": ["Loyal"], "lines": [3]}),
        "candidate.life_events": pl.DataFrame(
            {"customer_id": ["a"], "field": ["life_stage"], "event": ["became Young family"]}
        ).with_columns(pl.lit(True).alias("is_new_since_last_version")),
        "candidate.action_status": pl.DataFrame({"capability": ["channel response"], "status": ["ready"]}),
        "marts.dim_customer_features": segments.select(
            "customer_id", has_marketing_consent=pl.lit(False), preferred_contact_channel=pl.lit("email")
        ),
        "marts.dim_customers": segments.select("customer_id", email=pl.lit(None, pl.String)),
        "raw.quarantined_rows": pl.DataFrame(
            {"feed": ["signups"], "source_file": ["s.csv"], "source_row": [4], "reason": ["email: 'x@y' is invalid"]}
        ),
    }
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema if not exists candidate; create schema if not exists marts")
        con.execute("create schema if not exists raw")
        for name, frame in frames.items():
            con.register("frame", frame.to_arrow())
            con.execute(f"create or replace table {name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()


def test_each_published_version_gets_its_report_and_the_asset_links_it(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    resources = {"warehouse": Warehouse(path=str(warehouse)), "publication": Publication(path=str(store.root))}
    write_candidate(warehouse, {"a": "Loyal", "b": "Loyal", "c": "Lost"})
    assert dg.materialize([published_segments], resources=resources).success
    write_candidate(warehouse, {"a": "Lost", "b": "Loyal", "d": "New"})
    result = dg.materialize([published_segments], resources=resources)
    assert result.success

    first, second = store.report_file(1).read_text(), store.report_file(2).read_text()
    assert "Customer segments, version 1" in first and "This is the first published version" in first
    assert "Customer segments, version 2" in second and "Version 1 to version 2" in second
    assert "signups" in second and "x@y" not in second  # quarantine from the warehouse, without the value
    links = {
        m.asset_key: m.metadata.get("report")
        for m in result.asset_materializations_for_node(published_segments.op.name)
    }
    assert links[published_key("customer_segments")].value == str(store.report_file(2))
    served = {
        m.asset_key: m.metadata.get("report_url") for m in result.asset_materializations_for_node("published_segments")
    }
    assert served[published_key("customer_segments")].value == "http://127.0.0.1:3070/reports/segments-v000002.html"


def test_pruning_a_version_removes_its_report(tmp_path: Path):
    store = PublishedStore(tmp_path / "published")
    store.reports_dir.mkdir(parents=True)
    for version in (1, 2, 3):
        con = duckdb.connect()
        write_version(
            con, store.version_file(version), {"publication": f"select {version} as version, null as previous_version"}
        )
        con.close()
        store.report_file(version).write_text("page")
    store.switch_to(3)
    assert store.prune(keep=1) == [1, 2]
    assert [p.name for p in store.reports_dir.iterdir()] == ["segments-v000003.html"]


def test_published_assets_show_their_columns_and_a_rounded_preview(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    write_candidate(warehouse, {"a": "Loyal", "b": "Loyal", "c": "Lost"})
    resources = {"warehouse": Warehouse(path=str(warehouse)), "publication": Publication(path=str(store.root))}
    result = dg.materialize([published_segments], resources=resources)
    metadata = {m.asset_key: m.metadata for m in result.asset_materializations_for_node(published_segments.op.name)}

    clv = metadata[published_key("customer_clv")]
    schema = clv["dagster/column_schema"].value
    assert [(c.name, c.type) for c in schema.columns] == [
        ("customer_id", "VARCHAR"),
        ("clv_usd", "DOUBLE"),
        ("p_alive", "DOUBLE"),
    ]
    assert clv["preview"].value.splitlines() == [
        "| customer_id | clv_usd | p_alive |",
        "| --- | --- | --- |",
        "| a | 10 | 0.5 |",
        "| b | 10 | 0.5 |",
        "| c | 10 | 0.5 |",
    ]
    assert "0.2" in metadata[published_key("clv_model_parameters")]["preview"].value
    assert all("dagster/column_schema" in m for m in metadata.values())
