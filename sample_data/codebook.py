"""The survey codebook, read at run time from the dbt seed so answers always match its questions."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

CODEBOOK_PATH = Path(__file__).resolve().parents[1] / "dbt_project/seeds/survey_codebook.csv"


@dataclass(frozen=True)
class Question:
    """One codebook row: a likert question has a scale, a category question a set of options."""

    question_id: str
    survey_id: str
    dimension: str
    answer_type: str
    scale_min: int | None
    scale_max: int | None
    is_reverse_scored: bool


def read_codebook(path: Path = CODEBOOK_PATH) -> tuple[Question, ...]:
    """The codebook's questions in file order; raises naming the row if a scale is unusable."""
    questions = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            likert = row["answer_type"] == "likert"
            low = int(row["scale_min"]) if row["scale_min"] else None
            high = int(row["scale_max"]) if row["scale_max"] else None
            if likert and (low is None or high is None or low >= high):
                raise ValueError(
                    f"{path}, line {line}: likert question {row['question_id']} needs scale_min < scale_max"
                )
            questions.append(
                Question(
                    question_id=row["question_id"],
                    survey_id=row["survey_id"],
                    dimension=row["dimension"],
                    answer_type=row["answer_type"],
                    scale_min=low,
                    scale_max=high,
                    is_reverse_scored=row["is_reverse_scored"].strip().lower() == "true",
                )
            )
    return tuple(questions)


def likert_dimensions(questions: tuple[Question, ...]) -> tuple[str, ...]:
    """The likert dimensions in first-seen order: the traits personas plant means for."""
    return tuple(dict.fromkeys(q.dimension for q in questions if q.answer_type == "likert"))


def survey_ids(questions: tuple[Question, ...]) -> tuple[str, ...]:
    """The surveys in first-seen order."""
    return tuple(dict.fromkeys(q.survey_id for q in questions))
