"""The code location loads, and its asset graph is one connected lineage: raw -> dbt -> polars -> published."""

from pathlib import Path

import dagster as dg
import pytest
import yaml

from assets.features.dbt import prepare_dbt_manifest
from assets.ingest.assets import WAREHOUSE_POOL
from orchestration.definitions import build_definitions

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def asset_graph() -> dict[dg.AssetKey, dg.AssetSpec]:
    prepare_dbt_manifest()
    defs = build_definitions()
    dg.Definitions.validate_loadable(defs)
    return {spec.key: spec for spec in defs.resolve_all_asset_specs()}


def key(path: str) -> dg.AssetKey:
    return dg.AssetKey(path.split("/"))


def upstream(graph: dict[dg.AssetKey, dg.AssetSpec], asset: str) -> set[str]:
    return {dep.asset_key.to_user_string() for dep in graph[key(asset)].deps}


def test_expected_assets_and_groups(asset_graph):
    groups = {k.to_user_string(): spec.group_name for k, spec in asset_graph.items()}
    expected = {
        "raw/purchases": "ingest",
        "raw/signups": "ingest",
        "raw/surveys": "ingest",
        "staging/stg_shop__purchases": "features",
        "marts/dim_customer_features": "features",
        "marts/fct_orders": "features",
        "seeds/survey_codebook": "features",
        "candidate/customer_clv": "clv",
        "candidate/clv_model_parameters": "clv",
        "candidate/customer_segments": "segmentation",
        "candidate/segment_profiles": "segmentation",
        "segments/customer_segments": "publish",
        "segments/customer_clv": "publish",
        "segments/segment_profiles": "publish",
        "segments/clv_model_parameters": "publish",
        "raw/campaign_responses": "ingest",
        "candidate/segment_channel_response": "actions",
        "candidate/customer_best_channel": "actions",
        "segments/segment_channel_response": "publish",
        "segments/customer_best_channel": "publish",
        "segments/action_status": "publish",
        "candidate/customer_next_categories": "actions",
        "segments/cross_sell_backtest": "publish",
        "candidate/prospect_scores": "actions",
        "segments/prospect_model": "publish",
        "candidate/segment_price_sensitivity": "actions",
        "candidate/life_events": "actions",
        "segments/life_events": "publish",
    }
    assert {k: groups.get(k) for k in expected} == expected


def test_lineage_runs_from_raw_through_dbt_and_polars_to_published(asset_graph):
    assert upstream(asset_graph, "staging/stg_shop__purchases") == {"raw/purchases", "raw/currency_rates"}
    assert upstream(asset_graph, "intermediate/int_survey_codebook_resolved") == {
        "raw/survey_codebook",
        "seeds/survey_codebook",
    }
    assert upstream(asset_graph, "staging/stg_crm__signups") == {"raw/signups"}
    assert upstream(asset_graph, "staging/stg_surveys__answers") == {"raw/surveys"}
    assert "marts/fct_orders" in upstream(asset_graph, "candidate/customer_clv")
    assert "marts/dim_customer_features" in upstream(asset_graph, "candidate/customer_segments")
    assert "candidate/customer_clv" in upstream(asset_graph, "candidate/customer_segments")
    assert upstream(asset_graph, "segments/customer_segments") == {"candidate/customer_segments"}
    assert upstream(asset_graph, "segments/clv_model_parameters") == {"candidate/clv_model_parameters"}
    assert upstream(asset_graph, "candidate/segment_channel_response") == {
        "candidate/customer_segments",
        "raw/campaign_responses",
    }
    assert upstream(asset_graph, "segments/segment_channel_response") == {"candidate/segment_channel_response"}
    assert upstream(asset_graph, "candidate/prospect_scores") == {"marts/dim_customer_features"}
    assert upstream(asset_graph, "candidate/life_events") == {"snapshots/signup_profiles_snapshot"}
    assert upstream(asset_graph, "candidate/customer_next_categories") == {
        "candidate/customer_segments",
        "staging/stg_shop__purchases",
    }


def test_every_asset_is_described_owned_and_kinded(asset_graph):
    for asset_key, spec in asset_graph.items():
        name = asset_key.to_user_string()
        assert spec.description, name
        assert spec.owners, name
        assert spec.kinds, name


def test_one_run_at_a_time_touches_the_warehouse():
    """Every step of the refresh is in the warehouse pool, and the project's dagster.yaml admits one run to it."""
    job = build_definitions().resolve_job_def("refresh_job")
    assert {node.name: node.pool for node in job.graph.node_defs if node.pool != WAREHOUSE_POOL} == {}

    settings = yaml.safe_load((Path(__file__).parents[2] / "orchestration" / "dagster.yaml").read_text())
    with dg.instance_for_test(overrides=settings) as instance:
        pools = instance.get_concurrency_config().pool_config
        assert (pools.pool_granularity.value, pools.default_pool_limit) == ("run", 1)


def test_customer_tables_and_accounts_flow_from_their_raw_feeds(asset_graph):
    for feed in ("customers", "customer_category_spend", "customer_channel_purchases", "accounts"):
        assert asset_graph[key(f"raw/{feed}")].group_name == "ingest"
    assert upstream(asset_graph, "staging/stg_crm__customers") == {"raw/customers"}
    assert upstream(asset_graph, "staging/stg_crm__customer_category_spend") == {"raw/customer_category_spend"}
    assert upstream(asset_graph, "staging/stg_crm__customer_channel_purchases") == {"raw/customer_channel_purchases"}
    assert upstream(asset_graph, "staging/stg_crm__accounts") == {"raw/accounts"}
    assert "intermediate/int_orders_approximated" in upstream(asset_graph, "intermediate/int_orders_unioned")
    assert "intermediate/int_accounts_deduplicated" in upstream(asset_graph, "marts/dim_customers")
