"""The small building blocks: group arithmetic, product matching, persona weights and the codebook reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sample_data.catalogue import PRICE_RANGES, build_catalogue
from sample_data.codebook import likert_dimensions, read_codebook
from sample_data.persona import probabilities
from sample_data.personas import PERSONAS
from sample_data.sampling import categorical, cumsum_in_group, position_in_group, sum_in_group
from sample_data.vocabulary import CATEGORIES


def test_group_arithmetic_restarts_at_each_group() -> None:
    sizes = np.array([2, 0, 3])
    values = np.array([1.0, 2.0, 10.0, 20.0, 30.0])
    assert position_in_group(sizes).tolist() == [0, 1, 0, 1, 2]
    assert cumsum_in_group(values, sizes).tolist() == [1.0, 3.0, 10.0, 30.0, 60.0]
    assert sum_in_group(values, sizes).tolist() == [3.0, 0.0, 60.0]


def test_categorical_draws_follow_each_rows_probabilities() -> None:
    rows = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    codes = categorical(np.random.default_rng(0), np.repeat(rows, 1000, axis=0))
    assert set(codes[:1000]) == {0} and set(codes[1000:]) == {2}


def test_products_are_matched_by_nearest_list_price_within_the_category() -> None:
    catalogue = build_catalogue(np.random.default_rng(0))
    books = CATEGORIES.index("books")
    prices = catalogue.price[catalogue.category == books]
    wanted = np.array([12.0, 1_000.0, 0.01])
    picked = catalogue.nearest(np.full(3, books), wanted)
    assert (catalogue.category[picked] == books).all()
    assert catalogue.price[picked[0]] == prices[np.argmin(np.abs(prices - 12.0))]
    assert catalogue.price[picked[1]] == prices.max()  # beyond the range: the dearest product
    assert catalogue.price[picked[2]] == prices.min()
    assert len(set(catalogue.product_id)) == len(catalogue.product_id)
    low, high = PRICE_RANGES["books"]
    assert low <= prices.min() and prices.max() <= high


def test_persona_weights_must_use_known_labels() -> None:
    assert probabilities({"b": 3.0, "a": 1.0}, ("a", "b", "c")).tolist() == [0.25, 0.75, 0.0]
    with pytest.raises(ValueError, match=r"unknown labels \['x'\]"):
        probabilities({"x": 1.0}, ("a", "b"))


def test_codebook_reader_names_the_line_of_a_broken_scale(tmp_path: Path) -> None:
    codebook = tmp_path / "codebook.csv"
    codebook.write_text(
        "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
        "Q01,s,d,text,likert,1,5,false\n"
        "Q02,s,d,text,likert,5,5,true\n"
    )
    with pytest.raises(ValueError, match=r"line 3: likert question Q02 needs scale_min < scale_max"):
        read_codebook(codebook)


def test_the_shipped_codebook_reads() -> None:
    questions = read_codebook()
    assert {q.answer_type for q in questions} == {"likert", "category"}
    assert any(q.is_reverse_scored for q in questions)


def test_personas_share_everything_and_plant_every_codebook_dimension() -> None:
    assert abs(sum(p.share for p in PERSONAS) - 1) < 1e-9
    assert len({p.name for p in PERSONAS}) == len(PERSONAS)
    dimensions = set(likert_dimensions(read_codebook()))
    for persona in PERSONAS:
        assert set(persona.survey_means) == dimensions, persona.name
        assert all(0 <= mean <= 1 for mean in persona.survey_means.values()), persona.name
