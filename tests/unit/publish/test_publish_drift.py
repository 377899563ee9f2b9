"""The drift gate passes, warns or blocks by the largest change in a segment's share."""

import dagster as dg
import polars as pl
import pytest

from expectations.drift import drift_result


def drift(largest: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "segment_kind": ["rfm_segment", "rfm_segment"],
            "segment": ["Lost", "Loyal"],
            "previous_share": [0.1, 0.3],
            "share": [0.1 + largest, 0.3 - largest / 2],
            "share_change": [largest, largest / 2],
        }
    )


@pytest.mark.parametrize(
    ("largest", "passed", "severity"),
    [
        (0.01, True, dg.AssetCheckSeverity.WARN),
        (0.10, False, dg.AssetCheckSeverity.WARN),
        (0.30, False, dg.AssetCheckSeverity.ERROR),
    ],
)
def test_share_changes_pass_warn_or_block(largest, passed, severity):
    result = drift_result(drift(largest), previous_version=4, warn_above=0.05, block_above=0.25)
    assert result.passed is passed
    if not passed:
        assert result.severity == severity
    moves = result.metadata["largest_moves"].value
    assert moves[0]["segment"] == "Lost"
    assert result.metadata["compared_with_version"].value == 4


def test_a_renamed_persona_warns_but_does_not_block():
    renamed = pl.DataFrame(
        {
            "segment_kind": ["persona", "persona", "rfm_segment"],
            "segment": ["Young, app orders", "Young, app and web orders", "Lost"],
            "previous_share": [0.4, 0.0, 0.1],
            "share": [0.0, 0.4, 0.12],
            "share_change": [0.4, 0.4, 0.02],
        }
    )
    result = drift_result(renamed, previous_version=4, warn_above=0.05, block_above=0.25)
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
