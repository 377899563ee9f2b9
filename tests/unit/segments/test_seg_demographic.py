import polars as pl
import pytest
from seg_frames import customers

from assets.segments.config import default_config
from assets.segments.demographic import demographic_labels, geography

CONFIG = default_config()


def labels(*rows: dict) -> list[dict]:
    return customers(*rows).select(*demographic_labels(CONFIG), *geography(CONFIG)).to_dicts()


@pytest.mark.parametrize(
    ("age", "band"), [(18, "under 25"), (24, "under 25"), (25, "25-34"), (64, "55-64"), (65, "65+"), (101, "65+")]
)
def test_age_bands_include_their_lower_edge(age, band):
    assert labels({"age_years": age})[0]["age_band"] == band


def test_a_missing_birth_date_is_unknown_in_age_band_and_life_stage():
    row = labels({"age_years": None, "children_count": 2})[0]
    assert row["age_band"] == "unknown"
    assert row["life_stage"] == "unknown"


@pytest.mark.parametrize(
    ("age", "marital", "children", "stage"),
    [
        (70, "married", 2, "Retired"),  # age 65+ wins over children
        (30, "married", 1, "Young family"),
        (39, "single", 3, "Young family"),
        (40, "married", 2, "Established family"),
        (22, "single", 0, "Young single"),
        (30, "divorced", 0, "Young single"),
        (30, "married", 0, "Young couple"),
        (58, "married", 0, "Empty nester"),
        (58, "single", 0, "Independent adult"),
        (45, "married", 0, "Independent adult"),
        (30, None, 0, "Independent adult"),  # no status: neither single nor a couple is invented
        (45, "married", None, "Independent adult"),  # an unknown child count matches no children rule
    ],
)
def test_life_stage_rules_in_order(age, marital, children, stage):
    row = labels({"age_years": age, "marital_status": marital, "children_count": children})[0]
    assert row["life_stage"] == stage


@pytest.mark.parametrize(
    ("income", "band"), [(0.0, "under 25k"), (24_999.0, "under 25k"), (25_000.0, "25k-50k"), (150_000.0, "150k+")]
)
def test_income_bands(income, band):
    assert labels({"income_usd": income})[0]["income_band"] == band


def test_income_and_education_unknown_when_missing():
    row = labels({"income_usd": None, "education": None})[0]
    assert row["income_band"] == "unknown"
    assert row["education_level"] == "unknown"


def test_education_labels_from_the_configuration():
    rows = labels(
        {"education": "master"}, {"education": " Doctorate "}, {"education": "apprenticeship"}, {"education": ""}
    )
    assert [r["education_level"] for r in rows] == ["Master's degree", "Doctorate", "other", "unknown"]


def test_geography_keeps_places_and_marks_missing_ones_unknown():
    rows = labels(
        {"country": "Canada", "region": "Quebec", "urbanicity": "Rural"},
        {"country": None, "region": " ", "urbanicity": "downtown"},
    )
    assert (rows[0]["country"], rows[0]["region"], rows[0]["urbanicity"]) == ("Canada", "Quebec", "rural")
    assert (rows[1]["country"], rows[1]["region"], rows[1]["urbanicity"]) == ("unknown", "unknown", "unknown")


def test_no_label_is_ever_null():
    frame = customers(
        {"age_years": None, "marital_status": None, "children_count": None, "income_usd": None, "education": None},
        {"country": None, "region": None, "urbanicity": None},
    )
    result = frame.select(*demographic_labels(CONFIG), *geography(CONFIG))
    assert result.null_count().row(0) == (0,) * result.width
    assert result.schema == pl.Schema({name: pl.String for name in result.columns})
