"""Audience exports: selections, consent, and the files written."""

import polars as pl
import pytest

from assets.publish.exports import audiences, file_stem, parse_selections, write_exports

KINDS = {"rfm_segment": ("Champions", "Lost", "At risk"), "persona": None}
SEGMENTS = pl.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "rfm_segment": ["Champions", "Champions", "Lost", "At risk"],
        "persona": ["Bargain hunters", "Bargain hunters", "Trendsetters", "Trendsetters"],
    }
)
CONTACTS = pl.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "has_marketing_consent": [True, False, None, True],
        "email": ["a@x", "b@x", "c@x", "d@x"],
        "preferred_contact_channel": ["email", "sms", "email", "email"],
        "best_channel": ["sms", "sms", None, "post"],
    }
)


def test_selections_name_a_kind_or_one_segment():
    assert parse_selections(["rfm_segment", "rfm_segment:Lost", "persona:Anything"], KINDS) == [
        ("rfm_segment", None),
        ("rfm_segment", "Lost"),
        ("persona", "Anything"),
    ]


@pytest.mark.parametrize(
    ("selection", "message"),
    [("value_tier", "unknown segment kind 'value_tier'"), ("rfm_segment:Champs", "has no segment 'Champs'")],
)
def test_unknown_selections_are_refused_with_the_valid_choices(selection, message):
    with pytest.raises(ValueError, match=message):
        parse_selections([selection], KINDS)


def test_only_consenting_customers_are_exported_and_empty_segments_still_get_a_frame():
    frames = audiences(SEGMENTS, CONTACTS, [("rfm_segment", None), ("rfm_segment", "At risk")], version=7)
    assert set(frames) == {("rfm_segment", "Champions"), ("rfm_segment", "Lost"), ("rfm_segment", "At risk")}
    assert frames[("rfm_segment", "Champions")]["customer_id"].to_list() == ["a"]
    assert frames[("rfm_segment", "Lost")].is_empty()  # c gave no answer: no consent
    assert frames[("rfm_segment", "At risk")].row(0) == ("d", "d@x", "email", "post", "rfm_segment", "At risk", 7)


def test_files_are_written_as_csv_and_parquet_per_segment(tmp_path):
    frames = audiences(SEGMENTS, CONTACTS, [("persona", None)], version=2)
    written = write_exports(tmp_path / "v000002", frames)
    assert written == {"persona/bargain_hunters": 1, "persona/trendsetters": 1}
    parquet = pl.read_parquet(tmp_path / "v000002" / "persona" / "trendsetters.parquet")
    csv = pl.read_csv(tmp_path / "v000002" / "persona" / "trendsetters.csv")
    assert parquet["customer_id"].to_list() == csv["customer_id"].to_list() == ["d"]
    assert not (tmp_path / "v000002.partial").exists()


def test_file_stems_are_safe_names():
    assert file_stem("Cannot lose them") == "cannot_lose_them"
    assert file_stem("Top 1%") == "top_1"


def test_the_cli_refuses_an_unknown_audience_before_the_refresh_starts(tmp_path, capsys):
    from orchestration.cli import main

    warehouse = tmp_path / "warehouse.duckdb"
    status = main(["refresh", "--warehouse", str(warehouse), "--landing", str(tmp_path), "--audience", "rfm:Lost"])
    assert status == 2
    assert "Invalid --audience: audience export 'rfm:Lost': unknown segment kind 'rfm'" in capsys.readouterr().err
    assert not warehouse.exists() and not (tmp_path / "warehouse-published").exists()
