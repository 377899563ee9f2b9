"""Segment-channel response: Wilson intervals, lift, best channels, and recovery of planted preferences."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from assets.actions.best_channel import EVERYONE, OWN, SEGMENT, customer_best_channels
from assets.actions.channels import contacts, segment_best_channels, segment_channel_response, wilson_interval
from sample_data import generate_feeds


def test_wilson_interval_matches_the_textbook_values():
    frame = pl.DataFrame({"k": [8, 0, 0], "n": [10, 10, 0]})
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    bounds = frame.select(low.alias("low"), high.alias("high"))
    assert bounds["low"][0] == pytest.approx(0.4902, abs=1e-4)
    assert bounds["high"][0] == pytest.approx(0.9433, abs=1e-4)
    assert bounds["low"][1] == pytest.approx(0.0, abs=1e-12) and bounds["high"][1] == pytest.approx(0.2775, abs=1e-4)
    assert bounds["low"][2] is None


def _responses(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["customer_id", "campaign_id", "channel", "outcome"], orient="row")


def test_a_contact_responds_when_clicked_or_converted_whatever_the_case_of_its_outcome():
    frame = contacts(
        _responses(
            [
                ("a", "c1", "Email ", "sent"),
                ("a", "c1", "email", "Clicked"),
                ("a", "c2", "sms", "sent"),
                ("a", "c2", "sms", "opened"),
                ("b", "c1", "email", "converted"),
            ]
        )
    )
    assert frame.rows() == [
        ("a", "c1", "email", True, False),
        ("a", "c2", "sms", False, False),
        ("b", "c1", "email", True, True),
    ]


def test_rates_and_lift_per_segment_and_channel():
    rows = [(f"a{i}", "c1", "email", "converted" if i < 3 else "sent") for i in range(4)]
    rows += [(f"b{i}", "c1", "email", "sent") for i in range(4)]
    segments = pl.DataFrame(
        {
            "customer_id": [f"a{i}" for i in range(4)] + [f"b{i}" for i in range(4)],
            "kind": ["A"] * 4 + [None] * 3 + ["B"],
        }
    )
    table = segment_channel_response(contacts(_responses(rows)), segments, ["kind"], min_contacts=2)
    a = table.filter(pl.col("segment") == "A").row(0, named=True)
    assert (a["contacts"], a["responses"], a["conversions"]) == (4, 3, 3)
    assert a["response_rate"] == 0.75 and a["channel_response_rate"] == pytest.approx(3 / 8)
    assert a["response_lift"] == pytest.approx(2.0) and a["has_enough_contacts"]
    b = table.filter(pl.col("segment") == "B").row(0, named=True)
    assert b["contacts"] == 1 and b["response_lift"] == 0.0 and not b["has_enough_contacts"]
    # the three unlabelled customers are in no segment
    assert table["contacts"].sum() == 5


def test_a_customer_keeps_the_segment_channel_unless_their_own_evidence_beats_it():
    rows = [(f"s{i}", f"c{j}", "email", "clicked" if j == 0 else "sent") for i in range(10) for j in range(3)]
    rows += [("loyal", f"c{j}", "sms", "clicked") for j in range(6)]
    rows += [("once", "c1", "sms", "clicked")]
    ids = [f"s{i}" for i in range(10)] + ["loyal", "once", "newcomer", "stranger"]
    segments = pl.DataFrame({"customer_id": ids, "persona": ["P"] * 13 + ["Q"]})
    contact_rows = contacts(_responses(rows))
    table = segment_channel_response(contact_rows, segments, ["persona"], min_contacts=8)  # sms: 7 contacts
    assert segment_best_channels(table, "persona").rows() == [("P", "email", pytest.approx(10 / 30))]
    best = {
        r["customer_id"]: (r["best_channel"], r["best_channel_basis"])
        for r in customer_best_channels(contact_rows, segments, table).to_dicts()
    }
    assert best["loyal"] == ("sms", OWN)  # 6 of 6: lower bound 0.61 beats the segment's 0.33
    assert best["once"] == ("email", SEGMENT)  # 1 of 1: lower bound 0.21 does not
    assert best["newcomer"] == ("email", SEGMENT)
    assert best["stranger"][1] == EVERYONE  # segment Q has no contacts


@pytest.fixture(scope="module")
def sample_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("campaigns") / "landing"
    generate_feeds(landing, customers=3_000, seed=7, as_of=date(2026, 6, 30), progress=False)
    return landing


def test_planted_channel_preferences_are_recovered_per_persona(sample_landing: Path):
    """With personas as the segments, every persona's best channel is the planted one and each planted
    response rate lies inside the 95% interval for at least 26 of the 30 persona-channel pairs (28.5
    expected) and within 0.06 of the measured rate."""
    responses = pl.read_csv(sample_landing / "campaign_responses" / "*.csv", infer_schema=False)
    truth = pl.read_parquet(sample_landing / "_truth" / "customers.parquet").select("customer_id", "persona")
    table = segment_channel_response(contacts(responses), truth, ["persona"])
    planted = pl.read_csv(sample_landing / "_truth" / "channel_response.csv")
    compared = table.join(planted, left_on=["segment", "channel"], right_on=["persona", "channel"], suffix="_planted")
    assert compared.height == 30
    covered = compared.filter(
        pl.col("response_rate_planted").is_between(pl.col("response_rate_low"), pl.col("response_rate_high"))
    )
    assert covered.height >= 26  # 28.5 expected at 95%
    assert (compared["response_rate"] - compared["response_rate_planted"]).abs().max() < 0.06
    planted_best = (
        planted.sort("persona", "response_rate", descending=[False, True])
        .group_by("persona", maintain_order=True)
        .first()
    )
    found = dict(segment_best_channels(table, "persona").select("segment", "best_channel").rows())
    assert found == dict(planted_best.select("persona", "channel").rows())
