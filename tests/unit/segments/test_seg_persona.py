from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from seg_frames import customers, no_purchases
from sklearn.metrics import adjusted_rand_score

from assets.segments.config import default_config
from assets.segments.persona import (
    SINGLE_PERSONA,
    assign_personas,
    fit_personas,
    persona_descriptions,
    standardise,
)
from assets.segments.persona_features import persona_features

CONFIG = default_config()
SETTINGS = replace(CONFIG.persona, k_range=(2, 6))


def blobs(seed: int = 1, k: int = 4, per_cluster: int = 100, dims: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Well-separated clusters, with a third of the customers missing half their features.

    Cluster j sits 6 sd out on features j and j + dims / 2, so either half tells the clusters apart.
    """
    rng = np.random.default_rng(seed)
    centres = np.zeros((k, dims))
    centres[np.arange(k), np.arange(k)] = 6.0
    centres[np.arange(k), np.arange(k) + dims // 2] = 6.0
    truth = np.repeat(np.arange(k), per_cluster)
    x = centres[truth] + rng.normal(0, 1, size=(truth.size, dims))
    gaps = rng.random(truth.size) < 1 / 3
    x[np.ix_(gaps, np.arange(dims // 2, dims))] = np.nan
    return x, truth


def test_auto_k_finds_the_planted_clusters_despite_missing_values():
    x, truth = blobs()
    fit = fit_personas(x, SETTINGS)
    assert fit.k == 4
    assert set(fit.silhouettes) == {2, 3, 4, 5, 6}
    assert max(fit.silhouettes, key=fit.silhouettes.get) == 4
    assert adjusted_rand_score(truth, fit.clusters) > 0.95


def test_the_same_seed_gives_the_same_personas_and_cluster_0_is_the_largest():
    x, _ = blobs(seed=3)
    x = x[40:]  # make the first cluster the smallest
    first, second = fit_personas(x, SETTINGS), fit_personas(x, SETTINGS)
    assert np.array_equal(first.clusters, second.clusters)
    sizes = np.bincount(first.clusters)
    assert list(sizes) == sorted(sizes, reverse=True)


def test_many_customers_are_fitted_on_a_sample_and_all_join_the_nearest_persona():
    x, truth = blobs(per_cluster=1_000)
    sampled = fit_personas(x, replace(SETTINGS, fit_sample=800))
    assert sampled.k == 4 and sampled.clusters.shape == truth.shape
    assert adjusted_rand_score(truth, sampled.clusters) > 0.95
    assert adjusted_rand_score(fit_personas(x, SETTINGS).clusters, sampled.clusters) > 0.95


def test_the_sample_for_many_customers_is_seeded():
    # no planted clusters, so the centres, and the customers near a border, depend on which customers are sampled
    x = np.random.default_rng(2).normal(size=(1_500, 4))
    settings = replace(SETTINGS, k=3, fit_sample=300)
    first, second = fit_personas(x, settings), fit_personas(x, settings)
    assert first.clusters.shape == (1_500,)
    assert np.array_equal(first.clusters, second.clusters)
    other_seed = fit_personas(x, replace(settings, seed=settings.seed + 1))
    assert not np.array_equal(first.clusters, other_seed.clusters)


def test_a_fixed_k_is_used_as_configured():
    x, _ = blobs()
    fit = fit_personas(x, replace(SETTINGS, k=3))
    assert fit.k == 3 and fit.silhouettes == {}
    assert set(np.unique(fit.clusters)) == {0, 1, 2}


def test_identical_or_single_customers_make_one_persona():
    assert fit_personas(np.ones((5, 3)), SETTINGS).k == 1
    assert fit_personas(np.array([[1.0, np.nan]]), SETTINGS).k == 1
    assert fit_personas(np.empty((0, 3)), SETTINGS).clusters.size == 0


def shop(n_per_group: int = 30) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, np.ndarray]:
    """Retired gardeners ordering by phone and young gamers on the app; the last of each never bought."""
    rng = np.random.default_rng(5)
    rows, categories, channels, truth = [], [], [], []
    for group, (age, category, channel) in enumerate([(72, "garden", "phone"), (24, "games", "app")]):
        for i in range(n_per_group):
            customer_id = f"g{group}_{i:02d}"
            age_years, income = int(age + rng.normal(0, 3)), float(rng.lognormal(np.log(40_000), 0.5))
            row = {"customer_id": customer_id, "age_years": age_years, "income_usd": income}
            if i == n_per_group - 1:
                row |= no_purchases()
            else:
                categories.append({"customer_id": customer_id, "category": category, "revenue_share": 0.9})
                categories.append({"customer_id": customer_id, "category": "books", "revenue_share": 0.1})
                channels.append({"customer_id": customer_id, "channel": channel, "order_share": 1.0})
            rows.append(row)
            truth.append(group)
    frame = customers(*rows).with_columns(
        pl.lit(None, pl.Float64).alias(f"survey_{d}_score") for d in CONFIG.psychographic_groups
    )
    return frame, pl.DataFrame(categories), pl.DataFrame(channels), np.array(truth)


def test_personas_are_named_from_what_sets_them_apart_and_prospects_join_by_demographics():
    features, categories, channels, truth = shop()
    matrix = persona_features(features, categories, channels, CONFIG)
    assert "survey_satisfaction_score" not in [f.column for f in matrix.features]  # nobody answered
    personas, described, fit = assign_personas(matrix, replace(CONFIG.persona, k=2))
    assert fit.k == 2
    assigned = personas.sort("customer_id")["persona"].to_list()
    assert adjusted_rand_score(truth, assigned) == 1.0
    names = dict(zip(personas["customer_id"], personas["persona"], strict=True))
    old, young = names["g0_00"], names["g1_00"]
    assert old != young
    assert "older" in old.lower() and "garden" in old.lower()
    assert "younger" in young.lower() and "games" in young.lower()
    description = dict(described.iter_rows())[old]
    assert description.startswith("50% of customers. Set apart by: ")
    assert "garden buyers (90% vs 45% overall)" in description


def test_descriptions_of_published_personas_match_the_names_given():
    features, categories, channels, _ = shop()
    matrix = persona_features(features, categories, channels, CONFIG)
    personas, described, _ = assign_personas(matrix, replace(CONFIG.persona, k=2))
    again = persona_descriptions(matrix, personas, CONFIG.persona)
    assert again.sort("persona").equals(described.sort("persona"))


def test_one_customer_gets_the_single_persona():
    features, categories, channels, _ = shop()
    matrix = persona_features(features.head(1), categories.head(2), channels.head(1), CONFIG)
    personas, described, fit = assign_personas(matrix, CONFIG.persona)
    assert personas["persona"].to_list() == [SINGLE_PERSONA]
    assert fit.k == 1 and described.height == 1


def test_features_leave_behaviour_missing_without_purchases_and_drop_columns_without_spread():
    features, categories, channels, _ = shop()
    matrix = persona_features(features, categories, channels, CONFIG)
    columns = [f.column for f in matrix.features]
    # everybody is married, childless, urban and spends 50 USD an order in the tiny shop
    assert not {"married", "children_count", "urbanicity_rank", "avg_order_value_usd"} & set(columns)
    assert {"age_years", "income_usd", "category_garden", "channel_phone"} <= set(columns)
    prospect = matrix.customer_ids.to_list().index("g0_29")
    behaviour = [i for i, f in enumerate(matrix.features) if f.group == "behavioural"]
    assert np.isnan(matrix.values[prospect, behaviour]).all()
    assert not np.isnan(matrix.values[prospect, columns.index("age_years")])
    # money enters the model as a log and the description in dollars
    income = columns.index("income_usd")
    assert np.allclose(np.expm1(matrix.values[:, income]), matrix.display[:, income])


def test_each_feature_group_weighs_its_weight_whatever_its_size():
    features, categories, channels, _ = shop()
    matrix = persona_features(features, categories, channels, CONFIG)
    x = standardise(matrix, {"demographic": 1.0, "behavioural": 2.0, "psychographic": 1.0})
    for group, weight in (("demographic", 1.0), ("behavioural", 2.0)):
        members = [i for i, f in enumerate(matrix.features) if f.group == group]
        # summed variance of a group's standardised columns = weight squared
        assert np.nansum(np.nanvar(x[:, members], axis=0)) == pytest.approx(weight**2)
