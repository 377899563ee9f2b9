"""Survey answers of one chunk, in long format, following the codebook.

Each customer carries a trait per likert dimension, scattered around their persona's planted
mean (0..1). A question's answer is that trait plus noise, mapped onto the question's scale;
reverse-scored questions are answered from the other end, so a customer high on a dimension
disagrees with them. Some customers never answer a survey; respondents answer at least one of
the surveys, each one fully apart from a rare skipped question.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from sample_data.codebook import Question, likert_dimensions, survey_ids
from sample_data.columns import labels, padded_id
from sample_data.customers import Customers
from sample_data.persona import Persona, parameter, probability_table
from sample_data.sampling import categorical, position_in_group
from sample_data.timeline import Timeline
from sample_data.vocabulary import CONTACT_CHANNELS

SURVEY_COLUMNS: tuple[str, ...] = ("response_id", "customer_id", "survey_id", "question_id", "answer", "submitted_at")
RESPONSE_ID_DIGITS = 9
TRAIT_SPREAD = 0.10  # standard deviation of a customer's trait around the persona's mean
ANSWER_NOISE = 0.12  # standard deviation of one answer around the trait, on the 0..1 scale
SURVEY_TAKE_UP = 0.65  # chance a respondent answers any one survey
SKIPPED_QUESTION_SHARE = 0.02
NEUTRAL_TRAIT = 0.5  # for a codebook dimension no persona plants a mean for
EARLIEST_ANSWER_SECONDS = 3_600  # surveys are answered at least an hour after signing up
# category dimensions: their answer options and the persona field weighting them
CATEGORY_ANSWERS: dict[str, tuple[tuple[str, ...], str]] = {"contact_channel": (CONTACT_CHANNELS, "contact_channels")}


def check_codebook(questions: Sequence[Question]) -> None:
    """Raise if the codebook has a category question whose answer options the generator does not know."""
    unknown = sorted({q.dimension for q in questions if q.answer_type != "likert"} - set(CATEGORY_ANSWERS))
    if unknown:
        raise ValueError(
            f"survey codebook: category dimensions {unknown} have no answer options; known: {sorted(CATEGORY_ANSWERS)}"
        )


def planted_means(personas: Sequence[Persona], dimensions: Sequence[str]) -> np.ndarray:
    """Each persona's planted mean per likert dimension (personas x dimensions, 0..1 scale)."""
    return np.array([[p.survey_means.get(d, NEUTRAL_TRAIT) for d in dimensions] for p in personas])


def survey_answers(
    rng: np.random.Generator,
    customers: Customers,
    personas: Sequence[Persona],
    questions: Sequence[Question],
    timeline: Timeline,
    *,
    first_response_number: int,
    id_digits: int,
) -> pl.DataFrame:
    """One row per answer, responses numbered from `first_response_number`, customer then survey."""
    check_codebook(questions)
    n, who = customers.count, customers.persona
    dimensions = likert_dimensions(tuple(questions))
    surveys = survey_ids(tuple(questions))

    traits = np.clip(planted_means(personas, dimensions)[who] + rng.normal(0, TRAIT_SPREAD, (n, len(dimensions))), 0, 1)
    choices = {
        dim: categorical(rng, probability_table(personas, field, options)[who])
        for dim, (options, field) in CATEGORY_ANSWERS.items()
    }
    takes = rng.random((n, len(surveys))) < SURVEY_TAKE_UP
    fallback = rng.integers(0, len(surveys), n)
    none = ~takes.any(axis=1)
    takes[none, fallback[none]] = True
    takes &= (rng.random(n) < parameter(personas, "survey_response")[who])[:, None]

    customer, survey = np.nonzero(takes)  # row-major: customer by customer, surveys in codebook order
    start = customers.signed_up_at[customer] + EARLIEST_ANSWER_SECONDS
    submitted = start + np.floor(rng.random(customer.shape[0]) * (timeline.observation_end - start)).astype(np.int64)

    survey_of = np.array([surveys.index(q.survey_id) for q in questions])
    by_survey = np.argsort(survey_of, kind="stable")
    per_survey = np.bincount(survey_of, minlength=len(surveys))
    first_question = np.concatenate(([0], np.cumsum(per_survey)[:-1]))
    sizes = per_survey[survey]
    response = np.repeat(np.arange(customer.shape[0]), sizes)
    position = position_in_group(sizes)
    question = by_survey[first_question[survey[response]] + position]
    # a response keeps its first question, so every response numbered appears in the file
    kept = (rng.random(question.shape[0]) >= SKIPPED_QUESTION_SHARE) | (position == 0)
    response, question = response[kept], question[kept]
    row_customer = customer[response]

    vocabulary, answer = _answer_codes(rng, questions, question, row_customer, traits, dimensions, choices)
    frame = pl.DataFrame(
        {
            "response_number": first_response_number + response,
            "customer_number": customers.number[row_customer],
            "survey_id": labels(surveys, survey[response]),
            "question_id": labels([q.question_id for q in questions], question),
            "answer": labels(vocabulary, answer),
            "submitted_at": submitted[response],
        }
    )
    return frame.select(
        padded_id("R", pl.col("response_number"), RESPONSE_ID_DIGITS).alias("response_id"),
        padded_id("C", pl.col("customer_number"), id_digits).alias("customer_id"),
        "survey_id",
        "question_id",
        "answer",
        pl.from_epoch("submitted_at", time_unit="s").alias("submitted_at"),
    )


def _answer_codes(
    rng: np.random.Generator,
    questions: Sequence[Question],
    question: np.ndarray,
    customer: np.ndarray,
    traits: np.ndarray,
    dimensions: tuple[str, ...],
    choices: dict[str, np.ndarray],
) -> tuple[list[str], np.ndarray]:
    """Every possible written answer, and the one each row gives.

    Likert rows answer their trait (flipped for reverse-scored questions) plus noise, mapped onto
    the question's scale; category rows answer the customer's own choice for that dimension.
    """
    likert = [q for q in questions if q.answer_type == "likert"]
    lowest = min(q.scale_min or 0 for q in likert)
    highest = max(q.scale_max or 0 for q in likert)
    vocabulary = [str(point) for point in range(lowest, highest + 1)]
    offsets = {}
    for dimension, (options, _) in CATEGORY_ANSWERS.items():
        offsets[dimension] = len(vocabulary)
        vocabulary.extend(options)

    dimension = np.array([dimensions.index(q.dimension) if q.answer_type == "likert" else 0 for q in questions])
    low = np.array([q.scale_min or 0 for q in questions], dtype=float)[question]
    high = np.array([q.scale_max or 0 for q in questions], dtype=float)[question]
    reverse = np.array([q.is_reverse_scored for q in questions])[question]
    position = traits[customer, dimension[question]]
    position = np.where(reverse, 1 - position, position) + rng.normal(0, ANSWER_NOISE, question.shape[0])
    code = (np.clip(np.round(low + position * (high - low)), low, high) - lowest).astype(np.int64)
    for index, q in enumerate(questions):
        if q.answer_type != "likert":
            rows = question == index
            code[rows] = offsets[q.dimension] + choices[q.dimension][customer[rows]]
    return vocabulary, code
