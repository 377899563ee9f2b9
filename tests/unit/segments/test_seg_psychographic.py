import polars as pl
import pytest

from assets.segments.config import default_config
from assets.segments.psychographic import psychographic_group

CONFIG = default_config()
DIMENSIONS = list(CONFIG.psychographic_groups)


def survey(scores: dict[str, list[float | None]]) -> pl.DataFrame:
    n = len(next(iter(scores.values())))
    columns = {f"survey_{d}_score": scores.get(d, [0.5] * n) for d in DIMENSIONS}
    return pl.DataFrame(
        {"customer_id": [f"c{i}" for i in range(n)], **columns}, schema_overrides=dict.fromkeys(columns, pl.Float64)
    )


def test_customers_without_survey_answers_are_unknown():
    frame = survey({d: [0.9, None] for d in DIMENSIONS})
    assert psychographic_group(frame, CONFIG).to_list()[1] == "unknown"


def test_the_most_pronounced_dimension_names_the_group():
    frame = survey(
        {
            "interest_technology": [0.95, 0.5, 0.5, 0.5],
            "price_sensitivity": [0.5, 0.95, 0.5, 0.5],
            "interest_outdoors": [0.5, 0.5, 0.95, 0.5],
        }
    )
    groups = psychographic_group(frame, CONFIG).to_list()
    assert groups == ["Tech lovers", "Bargain hunters", "Outdoor lovers", "Middle of the road"]


def test_ties_go_to_the_first_dimension_listed():
    frame = survey({"interest_technology": [0.9, 0.1], "price_sensitivity": [0.9, 0.1]})
    assert psychographic_group(frame, CONFIG).to_list()[0] == "Tech lovers"


def test_partial_answers_use_the_dimensions_answered():
    frame = survey(
        {d: [None, 0.5, 0.5, 0.5] for d in DIMENSIONS}
        | {"interest_fashion": [0.99, 0.2, 0.3, 0.4], "satisfaction": [None, 0.5, 0.6, 0.7]}
    )
    assert psychographic_group(frame, CONFIG).to_list()[0] == "Fashion followers"


def test_a_single_respondent_is_balanced_not_unknown():
    frame = survey({d: [0.7] for d in DIMENSIONS})
    assert psychographic_group(frame, CONFIG).to_list() == ["Middle of the road"]


def test_a_dimension_the_codebook_lacks_is_named():
    frame = survey({d: [0.5] for d in DIMENSIONS}).drop("survey_satisfaction_score")
    with pytest.raises(ValueError, match=r"psychographic\.groups\.satisfaction: no column survey_satisfaction_score"):
        psychographic_group(frame, CONFIG)
