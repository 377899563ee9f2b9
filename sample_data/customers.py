"""Who the customers of one chunk are: persona, prospect or buyer, and when they signed up.

Everything later in a chunk (profiles, purchases, surveys, truth) hangs off these arrays, one
entry per customer, so the feeds of a chunk always describe the same people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sample_data.persona import Persona
from sample_data.personas import PROSPECT_SHARE, PROSPECT_SHARES
from sample_data.timeline import Timeline

FIRST_PURCHASE_DELAY_SECONDS = 15 * 60  # mean; buyers check out shortly after signing up
CUSTOMER_ID_DIGITS = 7


@dataclass(frozen=True)
class Customers:
    """One chunk of customers; every array has one entry per customer, in customer-number order."""

    number: np.ndarray  # 1-based customer number across the whole sample
    persona: np.ndarray  # index into the personas
    is_prospect: np.ndarray  # signed up but never buys
    signed_up_at: np.ndarray  # epoch seconds
    first_purchase_at: np.ndarray  # epoch seconds; meaningless for prospects

    @property
    def count(self) -> int:
        return int(self.number.shape[0])


def draw_customers(
    rng: np.random.Generator, first_number: int, count: int, personas: Sequence[Persona], timeline: Timeline
) -> Customers:
    """`count` customers numbered from `first_number`, each drawn from a persona by its share."""
    shares = np.array([p.share for p in personas])
    signed_up_at = rng.integers(timeline.signup_start, timeline.signup_end, size=count)
    delay = np.ceil(rng.exponential(FIRST_PURCHASE_DELAY_SECONDS, size=count)).astype(np.int64)
    persona = rng.choice(len(personas), size=count, p=shares / shares.sum())
    prospect_share = np.array([PROSPECT_SHARES.get(p.name, PROSPECT_SHARE) for p in personas])
    return Customers(
        number=np.arange(first_number, first_number + count, dtype=np.int64),
        persona=persona,
        is_prospect=rng.random(count) < prospect_share[persona],
        signed_up_at=signed_up_at,
        first_purchase_at=signed_up_at + delay,
    )


def id_digits(customers: int) -> int:
    """Digits of a customer number: 7, or more for samples beyond 9,999,999 customers."""
    return max(CUSTOMER_ID_DIGITS, len(str(customers)))
