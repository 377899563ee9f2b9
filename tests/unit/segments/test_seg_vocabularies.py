"""Vocabularies beside the feeds configuration merge over the shipped settings; unknown values are counted."""

from pathlib import Path

import polars as pl
import pytest

from assets.segments.config import default_config
from assets.segments.demographic import education_level, geography
from assets.segments.vocabularies import (
    VocabularyError,
    read_vocabularies,
    segmentation_config,
    unknown_vocabulary_values,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vocabularies.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_vocabularies_add_to_the_education_map_and_replace_urbanicities_and_groups(tmp_path: Path):
    config = read_vocabularies(
        write(
            tmp_path,
            "education_levels: {' Basic ': Basic education, Graduation: Bachelor's degree}\n"
            "urbanicities: [City, Town, Village]\n"
            "psychographic: {groups: {price_focus: Bargain hunters}}\n",
        )
    )
    shipped = default_config()
    assert config.education_levels == {
        **shipped.education_levels,
        "basic": "Basic education",
        "graduation": "Bachelor's degree",
    }
    assert config.urbanicities == ("city", "town", "village")
    assert config.psychographic_groups == {"price_focus": "Bargain hunters"}
    assert config.psychographic_min_z == shipped.psychographic_min_z
    assert config.rfm_rules == shipped.rfm_rules
    frame = pl.DataFrame(
        {"education": ["Graduation", "basic", "PhD", None], "urbanicity": ["Town", "urban", None, "x"]}
    )
    labelled = frame.select(education_level(config), *geography(config)[2:])
    assert labelled["education_level"].to_list() == ["Bachelor's degree", "Basic education", "other", "unknown"]
    assert labelled["urbanicity"].to_list() == ["town", "unknown", "unknown", "unknown"]


def test_no_vocabularies_is_the_shipped_settings():
    assert segmentation_config(None) is default_config()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- education\n", "expected a mapping with any of the keys education_levels, urbanicities, psychographic"),
        ("marital_statuses: {Together: married}\n", "marital_statuses: unknown key; valid keys are"),
        ("education_levels: [bachelor]\n", "education_levels: expected a mapping of sign-up value to label"),
        ("education_levels: {yes: Degree}\n", "education_levels.True: quote yes/no/true/false values"),
        ("urbanicities: urban\n", "urbanicities: expected a list of urbanicity labels"),
        ("psychographic: {min_z: high}\n", "psychographic.min_z: expected a number, got 'high'"),
    ],
)
def test_a_bad_vocabularies_file_names_the_file_and_key(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(VocabularyError) as error:
        read_vocabularies(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_values_no_vocabulary_knows_are_counted_per_field_and_value():
    features = pl.DataFrame(
        {
            "education": ["Graduation", "graduation ", "bachelor", None, "Basic"],
            "urbanicity": ["urban", "Town", "town", "", None],
            "marital_status": ["married", "YOLO", "single", "Absurd", "yolo"],
        }
    )
    found = unknown_vocabulary_values(features, default_config())
    assert found.rows() == [
        ("vocabularies.education_levels", "education", "graduation", 2),
        ("vocabularies.education_levels", "education", "basic", 1),
        ("vocabularies.life_stages.rules.marital_statuses", "marital_status", "yolo", 2),
        ("vocabularies.life_stages.rules.marital_statuses", "marital_status", "absurd", 1),
        ("vocabularies.urbanicities", "urbanicity", "town", 2),
    ]
