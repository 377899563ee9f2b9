"""Campaign responses of the sample: each persona answers some channels far better than others.

Every customer signed up by then receives each campaign on one channel drawn uniformly, so every persona and channel
pair has contacts. A contact's funnel is walked stage by stage (sent, delivered, opened, clicked,
converted), with click and conversion probabilities planted per persona and channel in
`RESPONSE_RATES`; `_truth/channel_response.csv` holds the planted rates for tests to compare with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from sample_data.columns import labels, padded_id
from sample_data.customers import Customers
from sample_data.timeline import Timeline

CHANNELS: tuple[str, ...] = ("email", "sms", "post", "phone", "app")
CAMPAIGNS = 6
DELIVERY_RATE = 0.95
OPEN_GIVEN_DELIVERED = 0.6
UNSUBSCRIBE_RATE = 0.01
SECONDS_PER_DAY = 86_400

# per persona and channel: (response = clicked or converted, conversion) probabilities of a contact
_STRONG, _MIDDLE, _WEAK = (0.30, 0.12), (0.12, 0.04), (0.04, 0.01)
RESPONSE_RATES: dict[str, dict[str, tuple[float, float]]] = {
    "tech_enthusiast": {"email": _MIDDLE, "sms": _WEAK, "post": _WEAK, "phone": _WEAK, "app": _STRONG},
    "young_family": {"email": _MIDDLE, "sms": _STRONG, "post": _WEAK, "phone": _WEAK, "app": _MIDDLE},
    "affluent_professional": {"email": _STRONG, "sms": _WEAK, "post": _MIDDLE, "phone": _WEAK, "app": _WEAK},
    "retiree": {"email": _WEAK, "sms": _WEAK, "post": _STRONG, "phone": _MIDDLE, "app": _WEAK},
    "bargain_student": {"email": _WEAK, "sms": _MIDDLE, "post": _WEAK, "phone": _WEAK, "app": _STRONG},
    "b2b_buyer": {"email": _MIDDLE, "sms": _WEAK, "post": _WEAK, "phone": _STRONG, "app": _WEAK},
}


def planted_rates(persona_names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(response, conversion) probability arrays of shape personas x channels, in `CHANNELS` order."""
    rates = np.array([[RESPONSE_RATES[name][channel] for channel in CHANNELS] for name in persona_names])
    return rates[:, :, 0], rates[:, :, 1]


def campaign_responses(
    rng: np.random.Generator, people: Customers, persona_names: list[str], timeline: Timeline, *, id_digits: int
) -> pl.DataFrame:
    """One row per customer, campaign, channel and funnel outcome reached (plus unsubscriptions)."""
    respond, convert = planted_rates(persona_names)
    n = people.count * CAMPAIGNS
    customer = np.repeat(np.arange(people.count), CAMPAIGNS)
    campaign = np.tile(np.arange(CAMPAIGNS), people.count)
    channel = rng.integers(0, len(CHANNELS), size=n)
    persona = people.persona[customer]
    sent_at = _sent_at(rng, campaign, timeline)
    sent = sent_at >= people.signed_up_at[customer] + SECONDS_PER_DAY  # only customers signed up by then
    delivered = sent & (rng.random(n) < DELIVERY_RATE)
    # a response needs delivery, so the delivered draw is scaled out of the planted contact rate
    responded = delivered & (rng.random(n) < respond[persona, channel] / DELIVERY_RATE)
    converted = responded & (rng.random(n) < convert[persona, channel] / respond[persona, channel])
    opened = responded | (delivered & (rng.random(n) < OPEN_GIVEN_DELIVERED))
    unsubscribed = delivered & ~responded & (rng.random(n) < UNSUBSCRIBE_RATE)
    stages = [
        (sent, "sent", 0),
        (delivered, "delivered", 60),
        (opened, "opened", 3_600),
        (responded, "clicked", 3_700),
        (converted, "converted", 7_200),
        (unsubscribed, "unsubscribed", 3_800),
    ]
    frames = [
        pl.DataFrame(
            {
                "number": people.number[customer[mask]],
                "campaign": campaign[mask],
                "channel": labels(CHANNELS, channel[mask]),
                "outcome": outcome,
                "at": sent_at[mask] + offset,
            }
        )
        for mask, outcome, offset in stages
    ]
    return (
        pl.concat(frames)
        .sort("number", "campaign", "at")
        .select(
            padded_id("C", pl.col("number"), id_digits).alias("customer_id"),
            pl.format("CMP{}", (pl.col("campaign") + 1).cast(pl.String).str.zfill(2)).alias("campaign_id"),
            "channel",
            "outcome",
            pl.from_epoch("at", time_unit="s").alias("responded_at"),
        )
    )


def _sent_at(rng: np.random.Generator, campaign: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Campaigns are spread evenly over the last history year, each sent over one day, before as_of."""
    end = timeline.observation_end - SECONDS_PER_DAY
    start = end - 365 * SECONDS_PER_DAY
    return start + (campaign * (end - start)) // CAMPAIGNS + rng.integers(0, SECONDS_PER_DAY, size=campaign.shape)


def write_channel_truth(path: Path, persona_names: list[str]) -> Path:
    """`_truth/channel_response.csv`: persona, channel, planted response and conversion rate."""
    respond, convert = planted_rates(persona_names)
    rows = [
        {"persona": name, "channel": channel, "response_rate": respond[i, j], "conversion_rate": convert[i, j]}
        for i, name in enumerate(persona_names)
        for j, channel in enumerate(CHANNELS)
    ]
    pl.DataFrame(rows).write_csv(path)
    return path
