"""Preview cells a stakeholder can read: no exponents, no long fractions, no broken Markdown."""

from datetime import UTC, date, datetime

from assets.publish.evidence import preview_markdown


def test_preview_rounds_numbers_and_escapes_pipes():
    text = preview_markdown(
        ["a", "b", "c", "d", "e"],
        [(0.6575194688282322, 431900.0, "x|y", [0.25, 1.0], datetime(2026, 6, 30, 5, 1, 59, tzinfo=UTC))],
    )
    assert text.splitlines()[2] == "| 0.658 | 431,900 | x\\|y | 0.25, 1 | 2026-06-30 05:01 |"
    assert preview_markdown(["d", "n"], [(date(2026, 1, 2), None)]).splitlines()[2] == "| 2026-01-02 |  |"
