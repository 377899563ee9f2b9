"""Personas: k-means clusters of customers on standardised features, each named from what sets it apart.

Method. Every feature is standardised (mean 0, sd 1 over the customers who have it); each
feature group (demographic, behavioural, psychographic) is scaled so that its features together
weigh the configured group weight, whatever their number. Customers miss whole groups (5 % never
bought, most never answered a survey), so the clustering is k-means with partial distances: a
customer's distance to a centre counts only the features they have (scaled up to the full
feature count), and a centre is the mean of the values its customers have. It starts from
scikit-learn's k-means++ (10 seeded starts) on the matrix with missing values at the mean.

k. A number in `persona.k` fixes it; `auto` fits every k in `persona.k_range` and keeps the one
with the highest silhouette on the customers with every feature observed (all customers when too
few have every feature), on a seeded sample of at most `silhouette_sample` of them.

Names. A persona's centre is compared with the overall mean feature by feature (in sd); the
features furthest off, named by their phrases in feature order, make the name ("Older, garden
buyers, phone orders") and the description gives the values. Personas are numbered by size,
largest first, so a refresh on similar data gives the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from assets.segments.config import FEATURE_GROUPS, PersonaSettings, silhouette_minimum
from assets.segments.persona_features import Feature, FeatureMatrix

MAX_ITERATIONS = 100
STARTS = 10
DESCRIBED_FEATURES = 4
SINGLE_PERSONA = "All customers"
SINGLE_PERSONA_DESCRIPTION = "Too few distinct customers to tell personas apart."


@dataclass(frozen=True)
class PersonaFit:
    """Cluster per customer (0 = largest), chosen k and the silhouette of each k tried."""

    clusters: np.ndarray
    k: int
    silhouettes: dict[int, float]


def standardise(matrix: FeatureMatrix, weights: dict[str, float]) -> np.ndarray:
    """Columns to mean 0 and sd 1 over observed values, then group weight / sqrt(group size)."""
    values = matrix.values
    observed = ~np.isnan(values)
    counts = np.maximum(observed.sum(axis=0), 1)
    mean = np.where(observed, values, 0.0).sum(axis=0) / counts
    centred = values - mean
    sd = np.sqrt(np.where(observed, centred**2, 0.0).sum(axis=0) / counts)
    scaled = centred / np.where(sd > 0, sd, 1.0)
    sizes = {group: sum(f.group == group for f in matrix.features) for group in FEATURE_GROUPS}
    factor = np.array([weights.get(f.group, 1.0) / np.sqrt(sizes[f.group]) for f in matrix.features])
    return scaled * factor


def _partial_kmeans(x: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """k-means over observed values only; returns (labels, centres)."""
    filled, weight = _observed(x)
    centres = KMeans(n_clusters=k, n_init=STARTS, random_state=seed).fit(filled).cluster_centers_
    labels = np.full(x.shape[0], -1)
    for _ in range(MAX_ITERATIONS):
        new_labels = _nearest(filled, weight, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        centres = _centres(filled, weight, labels, centres)
    return labels, centres


def _observed(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values with gaps at 0, 1 where observed); a customer with no feature at all sits at the overall mean."""
    observed = ~np.isnan(x)
    empty = ~observed.any(axis=1)
    observed = observed | empty[:, None]
    return np.where(observed, np.nan_to_num(x, nan=0.0), 0.0), observed.astype(np.float64)


def _nearest(filled: np.ndarray, weight: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Nearest centre by the partial distance: observed features only, scaled up to the full feature count."""
    scale = filled.shape[1] / weight.sum(axis=1, keepdims=True)
    row_norms = (filled**2).sum(axis=1, keepdims=True)
    distances = (row_norms - 2 * filled @ centres.T + weight @ (centres**2).T) * scale
    return distances.argmin(axis=1)


def _centres(filled: np.ndarray, weight: np.ndarray, labels: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Each cluster's mean of the values its customers have (a feature nobody has keeps its previous value)."""
    centres = previous.copy()
    for cluster in range(previous.shape[0]):
        members = labels == cluster
        have = weight[members].sum(axis=0)
        centres[cluster] = np.where(have > 0, filled[members].sum(axis=0) / np.maximum(have, 1), previous[cluster])
    return centres


def _by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """Renumber clusters by size, largest first (ties by the old number)."""
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[labels]


def _silhouette(x: np.ndarray, labels: np.ndarray, centres: np.ndarray, sample: int, seed: int) -> float:
    complete = ~np.isnan(x).any(axis=1)
    if complete.sum() >= silhouette_minimum(centres.shape[0]):
        points, groups = x[complete], labels[complete]
    else:
        # too few customers have every feature: fill each gap from the customer's own centre
        points, groups = np.where(np.isnan(x), centres[labels], x), labels
    if len(np.unique(groups)) < 2:
        return -1.0
    size = min(sample, points.shape[0])
    return float(silhouette_score(points, groups, sample_size=size, random_state=seed))


def fit_personas(x: np.ndarray, settings: PersonaSettings) -> PersonaFit:
    """Cluster the standardised matrix; k fixed or chosen by silhouette (see the module docstring)."""
    customers = x.shape[0]
    if customers > settings.fit_sample:
        return _fit_on_sample(x, settings)
    distinct = np.unique(np.nan_to_num(x, nan=np.inf), axis=0).shape[0] if customers else 0
    if distinct < 2 or x.shape[1] == 0:
        return PersonaFit(np.zeros(customers, dtype=np.int64), 1, {})
    # a busy machine's thread pools fight over cores: one thread per fit is faster here
    with threadpool_limits(limits=1):
        if settings.k is not None:
            k = min(settings.k, distinct)
            labels, _ = _partial_kmeans(x, k, settings.seed)
            return PersonaFit(_by_size(labels, k), k, {})
        low, high = settings.k_range
        high = min(high, distinct - 1)
        low = min(low, high)
        fits, scores = {}, {}
        for k in range(max(low, 2), high + 1):
            labels, centres = _partial_kmeans(x, k, settings.seed)
            fits[k] = labels
            scores[k] = _silhouette(x, labels, centres, settings.silhouette_sample, settings.seed)
    if not fits:
        labels, _ = _partial_kmeans(x, 2, settings.seed)
        return PersonaFit(_by_size(labels, 2), 2, {})
    best = max(scores, key=lambda k: (scores[k], -k))
    return PersonaFit(_by_size(fits[best], best), best, scores)


def _fit_on_sample(x: np.ndarray, settings: PersonaSettings) -> PersonaFit:
    """Choose k and the centres on a seeded sample of ``fit_sample`` customers; everyone joins the nearest centre.

    Fitting k-means for every k on millions of customers takes minutes and finds the same personas
    as a sample of tens of thousands: the centres of a persona of even 1 % are then means of
    hundreds of customers.
    """
    rng = np.random.default_rng(settings.seed)
    sample = np.sort(rng.choice(x.shape[0], size=settings.fit_sample, replace=False))
    fit = fit_personas(x[sample], settings)
    filled, weight = _observed(x[sample])
    centres = _centres(filled, weight, fit.clusters, np.zeros((fit.k, x.shape[1])))
    filled, weight = _observed(x)
    labels = _nearest(filled, weight, centres)
    return PersonaFit(_by_size(labels, fit.k), fit.k, fit.silhouettes)


def _shown(value: float, unit: str) -> str:
    if np.isnan(value):
        return "n/a"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "usd":
        return f"{value:,.0f} USD"
    if unit == "years":
        return f"{value:.0f} years"
    return f"{value:.2f}"


def describe_personas(matrix: FeatureMatrix, clusters: np.ndarray, x: np.ndarray, named_features: int) -> pl.DataFrame:
    """One row per cluster: cluster, persona (a unique name) and description, from the features that set it apart.

    ``x`` is the standardised matrix; distances from the overall mean are in its sd units before weighting.
    """
    rows = []
    used: dict[str, int] = {}
    observed = ~np.isnan(x)
    sd_scale = np.array([np.nanstd(x[:, i]) if observed[:, i].any() else 1.0 for i in range(x.shape[1])])
    sd_scale = np.where(sd_scale > 0, sd_scale, 1.0)
    overall = np.array(
        [np.nanmean(matrix.display[:, i]) if observed[:, i].any() else np.nan for i in range(x.shape[1])]
    )
    for cluster in range(int(clusters.max()) + 1 if clusters.size else 0):
        members = clusters == cluster
        with np.errstate(invalid="ignore"):
            centre = np.where(observed[members].any(axis=0), np.nansum(x[members], axis=0), np.nan)
            centre = centre / np.maximum(observed[members].sum(axis=0), 1)
        gap = np.nan_to_num(centre / sd_scale, nan=0.0)  # x has overall mean 0
        # rounded, so that features equally far off keep the feature order whatever the summation noise
        order = np.argsort(-np.round(np.abs(gap), 6), kind="stable")
        chosen: list[int] = []
        for i in order:
            feature: Feature = matrix.features[i]
            if abs(gap[i]) < 0.25 or len(chosen) == named_features:
                break
            if gap[i] > 0 or feature.names_persona:
                chosen.append(int(i))
        # in feature order, so a persona keeps its name when its top features merely swap places
        phrases = [matrix.features[i].high if gap[i] > 0 else matrix.features[i].low for i in sorted(chosen)]
        name = ", ".join(phrases) or "Typical customers"
        name = name[0].upper() + name[1:]
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name} ({used[name]})"
        details = []
        for i in order[:DESCRIBED_FEATURES]:
            feature = matrix.features[i]
            with np.errstate(invalid="ignore"):
                value = float(np.nanmean(matrix.display[members, i])) if observed[members, i].any() else np.nan
            direction = feature.high if gap[i] > 0 else feature.low
            details.append(
                f"{direction} ({_shown(value, feature.unit)} vs {_shown(float(overall[i]), feature.unit)} overall)"
            )
        share = members.mean()
        rows.append(
            {
                "cluster": cluster,
                "persona": name,
                "description": f"{share:.0%} of customers. Set apart by: " + "; ".join(details) + ".",
            }
        )
    return pl.DataFrame(rows, schema={"cluster": pl.Int64, "persona": pl.String, "description": pl.String})


def assign_personas(matrix: FeatureMatrix, settings: PersonaSettings) -> tuple[pl.DataFrame, pl.DataFrame, PersonaFit]:
    """Personas per customer (customer_id, persona) and per persona (persona, description), and the fit."""
    x = standardise(matrix, settings.weights)
    fit = fit_personas(x, settings)
    if fit.k == 1:
        named = pl.DataFrame({"cluster": [0], "persona": [SINGLE_PERSONA], "description": [SINGLE_PERSONA_DESCRIPTION]})
    else:
        named = describe_personas(matrix, fit.clusters, x, settings.distinguishing_features)
    customers = pl.DataFrame({"customer_id": matrix.customer_ids, "cluster": fit.clusters}).join(
        named.select("cluster", "persona"), on="cluster", how="left"
    )
    return customers.select("customer_id", "persona").sort("customer_id"), named.drop("cluster"), fit


def persona_descriptions(matrix: FeatureMatrix, personas: pl.DataFrame, settings: PersonaSettings) -> pl.DataFrame:
    """Describe given persona labels (customer_id, persona) from the features: persona, description."""
    aligned = pl.DataFrame({"customer_id": matrix.customer_ids}).join(
        personas, on="customer_id", how="left", maintain_order="left"
    )
    names = sorted(aligned["persona"].drop_nulls().unique().to_list())
    if not names:
        return pl.DataFrame(schema={"persona": pl.String, "description": pl.String})
    if names == [SINGLE_PERSONA]:
        return pl.DataFrame({"persona": names, "description": [SINGLE_PERSONA_DESCRIPTION]})
    codes = aligned["persona"].replace_strict(names, list(range(len(names))), default=-1).to_numpy()
    known = codes >= 0
    sub = FeatureMatrix(
        customer_ids=matrix.customer_ids.filter(pl.Series(known)),
        features=matrix.features,
        values=matrix.values[known],
        display=matrix.display[known],
    )
    x = standardise(sub, settings.weights)
    described = describe_personas(sub, codes[known], x, settings.distinguishing_features)
    return described.select(
        pl.col("cluster").replace_strict(list(range(len(names))), names).alias("persona"), "description"
    )
