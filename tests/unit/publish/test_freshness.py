"""The feeds and the published tables declare how fresh they should be, so Dagster's UI shows it."""

from datetime import timedelta

import dagster as dg

from assets.ingest.assets import raw_assets
from assets.publish.assets import published_segments


def _policies(assets: list[dg.AssetsDefinition]) -> dict[dg.AssetKey, object]:
    return {spec.key: spec.freshness_policy for definition in assets for spec in definition.specs}


def test_feeds_and_published_tables_expect_a_daily_refresh():
    policies = {**_policies(raw_assets), **_policies([published_segments])}
    assert dg.AssetKey(["raw", "purchases"]) in policies
    assert dg.AssetKey(["segments", "customer_segments"]) in policies
    for key, policy in policies.items():
        assert policy is not None and policy.fail_window.to_timedelta() == timedelta(hours=50), key


def test_published_assets_are_tagged_apart_from_their_candidates():
    assert {spec.tags.get("stage") for spec in published_segments.specs} == {"published"}
