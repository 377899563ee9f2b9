"""Segment history, transitions and share drift on tiny frames."""

from datetime import UTC, datetime

import polars as pl

from assets.publish.history import assignments, segment_shares, share_drift, transitions

KINDS = ["rfm_segment", "value_tier"]
AT = datetime(2026, 1, 1, tzinfo=UTC)


def segments(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["customer_id", "rfm_segment", "value_tier"], orient="row")


def test_assignments_have_one_row_per_customer_and_kind():
    long = assignments(segments([("a", "Loyal", "Rest"), ("b", "Lost", "Top 1%")]), KINDS, 3, AT)
    assert long.columns == ["version", "published_at", "customer_id", "segment_kind", "segment"]
    assert long.select("customer_id", "segment_kind", "segment").rows() == [
        ("a", "rfm_segment", "Loyal"),
        ("b", "rfm_segment", "Lost"),
        ("a", "value_tier", "Rest"),
        ("b", "value_tier", "Top 1%"),
    ]
    assert set(long["version"]) == {3}


def test_assignments_skip_kinds_the_candidate_does_not_have():
    frame = segments([("a", "Loyal", "Rest")]).drop("value_tier")
    assert set(assignments(frame, KINDS, 1, AT)["segment_kind"]) == {"rfm_segment"}


def test_transitions_count_moves_stays_arrivals_and_departures():
    before = assignments(
        segments([("a", "Loyal", "Rest"), ("b", "Loyal", "Rest"), ("c", "Lost", "Rest")]), KINDS, 1, AT
    )
    after = assignments(
        segments([("a", "At risk", "Rest"), ("b", "Loyal", "Rest"), ("d", "New", "Rest")]), KINDS, 2, AT
    )
    moves = transitions(before, after).filter(pl.col("segment_kind") == "rfm_segment")
    assert moves.select("from_segment", "to_segment", "customers").rows() == [
        ("Lost", None, 1),
        ("Loyal", "At risk", 1),
        ("Loyal", "Loyal", 1),
        (None, "New", 1),
    ]
    assert set(moves["from_version"]) == {1} and set(moves["to_version"]) == {2}
    tiers = transitions(before, after).filter(pl.col("segment_kind") == "value_tier")
    assert tiers.select("from_segment", "to_segment", "customers").rows() == [
        ("Rest", "Rest", 2),
        ("Rest", None, 1),
        (None, "Rest", 1),
    ]


def test_shares_and_drift_compare_segments_present_on_either_side():
    before = segment_shares(segments([("a", "Loyal", "Rest"), ("b", "Loyal", "Rest")]), KINDS)
    after = segment_shares(segments([("a", "Loyal", "Rest"), ("b", "Lost", "Rest")]), KINDS)
    drift = share_drift(before, after)
    assert drift.row(0, named=True) | {} == {
        "segment_kind": "rfm_segment",
        "segment": "Lost",
        "previous_share": 0.0,
        "share": 0.5,
        "share_change": 0.5,
    }
    assert drift.filter(pl.col("segment") == "Rest")["share_change"].to_list() == [0.0]


def test_a_new_kind_of_segment_is_not_drift():
    before = segment_shares(segments([("a", "Loyal", "Rest")]).drop("value_tier"), KINDS)
    after = segment_shares(segments([("a", "Loyal", "Rest")]), KINDS)
    assert share_drift(before, after)["share_change"].max() == 0.0
