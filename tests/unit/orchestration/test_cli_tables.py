"""The report command's profile tables: headings read as plain English plurals."""

import pytest

from orchestration.cli import format_profile_table, plural


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("Country", "Countries"),
        ("Category affinity", "Category affinities"),
        ("Urbanicity", "Urbanicities"),
        ("Age band", "Age bands"),
        ("Life stage", "Life stages"),
        ("Value tier", "Value tiers"),
        ("Churn risk", "Churn risks"),
        ("Survey key", "Survey keys"),
    ],
)
def test_plural(noun: str, expected: str) -> None:
    assert plural(noun) == expected


def test_a_profile_table_is_headed_by_its_kind_in_the_plural() -> None:
    table = format_profile_table("country", [("UK", 3, 0.75, 0.5, 12.5), ("IE", 1, 0.25, 0.5, None)])
    lines = table.splitlines()
    assert lines[0] == "Countries"
    assert lines[3].split() == ["UK", "3", "75.0%", "50.0%", "12.50"]
    assert lines[4].split() == ["IE", "1", "25.0%", "50.0%"]
