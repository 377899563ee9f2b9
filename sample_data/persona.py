"""What a planted persona is: who they are, where they live, what they answer and how they buy.

A persona's weights are keyed by the labels in `sample_data.vocabulary`, so a definition reads like
a profile; `probabilities` turns them into arrays in vocabulary order for vectorised sampling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Weights = Mapping[str, float]


@dataclass(frozen=True)
class PurchaseModel:
    """BG/NBD and Gamma-Gamma parameters, with time in weeks.

    Purchase rate lambda ~ Gamma(shape r, rate alpha); dropout probability after each repeat
    purchase p ~ Beta(a, b); spend scale nu ~ Gamma(shape q, rate gamma); an order's value
    z ~ Gamma(shape p, rate nu), so an order is worth p * gamma / (q - 1) USD on average.
    """

    r: float
    alpha: float
    a: float
    b: float
    p: float
    q: float
    gamma: float

    @property
    def mean_rate_per_week(self) -> float:
        return self.r / self.alpha

    @property
    def mean_dropout(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def mean_order_value_usd(self) -> float:
        return self.p * self.gamma / (self.q - 1)


@dataclass(frozen=True)
class Description:
    """A readable account of the persona, written to the truth's parameters.json."""

    demographics: str
    geography: str
    survey_profile: str
    behaviour: str


@dataclass(frozen=True)
class Persona:
    """One planted customer type; every customer is drawn from exactly one persona."""

    name: str
    share: float
    description: Description
    # demographics
    age_years: tuple[float, float]  # mean and standard deviation at as_of
    genders: Weights
    marital_statuses: Weights
    children: Mapping[int, float]
    income_usd: tuple[float, float]  # median and log-scale standard deviation
    education_levels: Weights
    # geography and marketing
    countries: Weights
    urbanicities: Weights
    acquisition_channels: Weights
    opt_in_offers: Weights
    marketing_consent: float
    is_business: bool
    # buying behaviour
    purchases: PurchaseModel
    lines_per_order: float  # mean; every order has at least one line
    extra_quantity: float  # mean units per line beyond the first
    order_channels: Weights
    categories: Weights
    # survey answers: planted mean per likert dimension on a 0..1 scale
    survey_means: Mapping[str, float]
    contact_channels: Weights
    survey_response: float  # probability of answering at least one survey


def probabilities(weights: Mapping[Any, float], vocabulary: Sequence[Any], *, floor: float = 0.0) -> np.ndarray:
    """Weights in vocabulary order, normalised to sum to 1; unknown labels are an error.

    `floor` adds a small weight to every label, so every persona sometimes buys from every category.
    """
    unknown = sorted(str(label) for label in set(weights) - set(vocabulary))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected some of {list(vocabulary)}")
    values = np.array([weights.get(label, 0.0) for label in vocabulary], dtype=float) + floor
    if (values < 0).any() or values.sum() <= 0:
        raise ValueError(f"weights must be non-negative and not all zero: {dict(weights)}")
    return values / values.sum()


def probability_table(
    personas: Sequence[Persona], field: str, vocabulary: Sequence[Any], *, floor: float = 0.0
) -> np.ndarray:
    """One row of probabilities per persona for one of its weight fields (personas x labels)."""
    return np.stack([probabilities(getattr(p, field), vocabulary, floor=floor) for p in personas])


def parameter(personas: Sequence[Persona], getter: str) -> np.ndarray:
    """One number per persona, e.g. `parameter(PERSONAS, "purchases.r")`, for indexing by persona code.

    Dotted parts are attributes, or positions in a tuple (`"age_years.1"` is the age's spread).
    """
    values = []
    for persona in personas:
        value: Any = persona
        for name in getter.split("."):
            value = value[int(name)] if name.isdigit() else getattr(value, name)
        values.append(float(value))
    return np.array(values)
