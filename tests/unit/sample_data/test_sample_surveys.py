"""Survey answers: codebook questions only, answers on the scale, reverse scoring planted, absentees absent."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
from generated_sample import SAMPLE_AS_OF, Sample

from sample_data.codebook import CODEBOOK_PATH
from sample_data.vocabulary import CONTACT_CHANNELS

CODEBOOK = pl.read_csv(CODEBOOK_PATH)


def likert_answers(sample: Sample) -> pl.DataFrame:
    """Likert rows with their codebook entry, numeric answer and the answering customer's persona."""
    return (
        sample.surveys.join(CODEBOOK, on="question_id")
        .filter(pl.col("answer_type") == "likert")
        .with_columns(pl.col("answer").cast(pl.Int64, strict=True).alias("value"))
        .join(sample.truth.select("customer_id", "persona"), on="customer_id")
    )


def test_questions_come_from_the_codebook_under_their_own_survey(sample: Sample) -> None:
    unknown = sample.surveys.join(CODEBOOK, on="question_id", how="anti")
    assert unknown.height == 0
    mismatched = sample.surveys.join(CODEBOOK, on="question_id").filter(
        pl.col("survey_id") != pl.col("survey_id_right")
    )
    assert mismatched.height == 0
    assert sample.surveys["response_id"].str.contains(r"^R\d{9}$").all()


def test_likert_answers_are_integers_within_the_scale(sample: Sample) -> None:
    answers = likert_answers(sample)
    outside = answers.filter((pl.col("value") < pl.col("scale_min")) | (pl.col("value") > pl.col("scale_max")))
    assert outside.height == 0
    # nearly every scale point is used somewhere, so the whole scale is exercised
    used = answers.group_by("question_id").agg(pl.col("value").n_unique(), pl.col("scale_min", "scale_max").first())
    assert (used["value"] >= 0.8 * (used["scale_max"] - used["scale_min"] + 1)).all()


def test_contact_channel_answers_are_channels(sample: Sample) -> None:
    categories = CODEBOOK.filter(pl.col("answer_type") == "category")["question_id"]
    answers = sample.surveys.filter(pl.col("question_id").is_in(categories.implode()))["answer"]
    assert answers.len() > 0
    assert set(answers) <= set(CONTACT_CHANNELS)


def test_one_response_per_customer_and_survey(sample: Sample) -> None:
    responses = sample.surveys.group_by("response_id").agg(
        pl.col("customer_id", "survey_id", "submitted_at").n_unique()
    )
    assert responses.select(pl.exclude("response_id").max()).row(0) == (1, 1, 1)
    pairs = sample.surveys.group_by("customer_id", "survey_id").agg(pl.col("response_id").n_unique())
    assert pairs["response_id"].max() == 1
    # answered fully apart from a rare skipped question
    per_response = sample.surveys.group_by("response_id", "survey_id").len()
    expected = CODEBOOK.group_by("survey_id").agg(pl.len().alias("questions"))
    coverage = per_response.join(expected, on="survey_id").select(pl.col("len").sum() / pl.col("questions").sum())
    assert coverage.item() > 0.95


def test_about_four_in_ten_customers_never_answer(sample: Sample) -> None:
    answering = sample.surveys["customer_id"].n_unique() / sample.signups.height
    assert 0.5 <= answering <= 0.7


def test_answers_come_after_signup_and_not_after_as_of(sample: Sample) -> None:
    joined = sample.surveys.join(sample.signups.select("customer_id", "signed_up_at"), on="customer_id").select(
        pl.col("submitted_at", "signed_up_at").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=True)
    )
    assert (joined["submitted_at"] > joined["signed_up_at"]).all()
    end = datetime(SAMPLE_AS_OF.year, SAMPLE_AS_OF.month, SAMPLE_AS_OF.day) + timedelta(days=1)
    assert joined["submitted_at"].max() < end


def test_reverse_scored_questions_are_answered_in_reverse(sample: Sample) -> None:
    """Across personas, mean answers rise with the planted mean, and fall on reverse-scored questions."""
    answers = likert_answers(sample)
    means = answers.group_by("persona", "question_id", "dimension", "is_reverse_scored").agg(
        ((pl.col("value") - pl.col("scale_min")) / (pl.col("scale_max") - pl.col("scale_min"))).mean().alias("answer")
    )
    planted = sample.truth.group_by("persona").agg(pl.col("^survey_mean_.*$").first())
    for question in means.partition_by("question_id"):
        dimension = question["dimension"][0]
        joined = question.join(planted.select("persona", f"survey_mean_{dimension}"), on="persona")
        correlation = joined.select(pl.corr("answer", f"survey_mean_{dimension}")).item()
        if question["is_reverse_scored"][0]:
            assert correlation < -0.8, question["question_id"][0]
        else:
            assert correlation > 0.8, question["question_id"][0]


def test_a_persona_high_on_a_dimension_disagrees_with_its_reverse_question(sample: Sample) -> None:
    # affluent professionals are planted very quality focused: they agree with Q03 and reject Q04
    answers = likert_answers(sample).filter(pl.col("persona") == "affluent_professional")
    mean = dict(answers.group_by("question_id").agg(pl.col("value").mean()).iter_rows())
    assert mean["Q03"] >= 4.0
    assert mean["Q04"] <= 2.0
