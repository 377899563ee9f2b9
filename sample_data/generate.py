"""Generate the sample feeds: sign-ups, purchases and surveys of planted personas, chunk by chunk.

Customers are generated and written in chunks of `customers_per_file`, one file per feed and chunk,
so memory depends on the chunk size and not on the sample size. Each chunk (and each concern in
it) draws from its own `SeedSequence(seed, spawn_key=...)` stream: the same seed and arguments
write byte-identical files, and a chunk's customers do not depend on how many chunks follow
(as long as the customer count keeps its number of digits, which sets id and email widths).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from sample_data.behaviour import simulate_purchases
from sample_data.campaigns import campaign_responses, write_channel_truth
from sample_data.catalogue import Catalogue, build_catalogue
from sample_data.co_purchases import write_co_purchase_truth
from sample_data.codebook import Question, likert_dimensions, read_codebook
from sample_data.config import write_feeds_config
from sample_data.customers import draw_customers, id_digits
from sample_data.orders import order_lines
from sample_data.personas import PERSONAS
from sample_data.profiles import signups_frame
from sample_data.progress import ProgressBar
from sample_data.surveys import check_codebook, survey_answers
from sample_data.timeline import Timeline
from sample_data.truth import TruthWriter, truth_frame, write_parameters
from sample_data.writer import TRUTH_FOLDER, feed_file, prepare_landing, write_csv

MIN_CUSTOMERS = 100
MIN_HISTORY_DAYS = 60
CUSTOMERS_PER_FILE = 50_000
_CATALOGUE_STREAM, _CHUNK_STREAM = 0, 1
_CUSTOMERS, _PROFILES, _PURCHASES, _ORDERS, _SURVEYS, _CAMPAIGNS = range(6)


@dataclass
class GenerationSummary:
    """What a run wrote: counts per feed and every file, for the CLI and benchmarks to report."""

    landing_dir: Path
    customers: int
    purchase_lines: int
    orders: int
    survey_answers: int
    files: list[Path]
    as_of: date
    seed: int


@dataclass(frozen=True)
class _Run:
    """Settings shared by every chunk of one run."""

    customers: int
    seed: int
    timeline: Timeline
    catalogue: Catalogue
    questions: tuple[Question, ...]
    id_digits: int


def generate_feeds(
    landing_dir: Path,
    *,
    customers: int = 10_000,
    seed: int = 42,
    as_of: date = date(2026, 6, 30),
    history_days: int = 730,
    progress: bool = True,
    overwrite: bool = False,
    customers_per_file: int = CUSTOMERS_PER_FILE,
) -> GenerationSummary:
    """Write sample purchase, sign-up, survey and campaign response feeds plus their ground truth into `landing_dir`.

    Refuses (ValueError) fewer than 100 customers, a history shorter than 60 days, and a landing
    folder whose feed folders or _truth/ already hold files, unless `overwrite`
    is given: then those folders, and nothing else, are replaced.
    """
    landing_dir = Path(landing_dir)
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"customers must be at least {MIN_CUSTOMERS}, got {customers}")
    if history_days < MIN_HISTORY_DAYS:
        raise ValueError(f"history_days must be at least {MIN_HISTORY_DAYS}, got {history_days}")
    if customers_per_file < 1:
        raise ValueError(f"customers_per_file must be at least 1, got {customers_per_file}")
    questions = read_codebook()
    check_codebook(questions)
    prepare_landing(landing_dir, overwrite=overwrite)

    run = _Run(
        customers=customers,
        seed=seed,
        timeline=Timeline(as_of=as_of, history_days=history_days),
        catalogue=build_catalogue(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_CATALOGUE_STREAM,)))),
        questions=questions,
        id_digits=id_digits(customers),
    )
    summary = GenerationSummary(
        landing_dir=landing_dir,
        customers=customers,
        purchase_lines=0,
        orders=0,
        survey_answers=0,
        files=[],
        as_of=as_of,
        seed=seed,
    )
    chunks = -(-customers // customers_per_file)
    bar = ProgressBar(chunks, customers, enabled=progress)
    persona_counts = np.zeros(len(PERSONAS), dtype=np.int64)
    truth_path = landing_dir / TRUTH_FOLDER / "customers.parquet"
    responses = 0
    with TruthWriter(truth_path) as truth:
        for chunk in range(chunks):
            first = chunk * customers_per_file
            count = min(customers_per_file, customers - first)
            responses = _write_chunk(run, summary, truth, persona_counts, chunk, first + 1, count, responses)
            bar.update(chunk + 1, first + count)
    summary.files.append(truth_path)
    summary.files.append(
        write_channel_truth(landing_dir / TRUTH_FOLDER / "channel_response.csv", [p.name for p in PERSONAS])
    )
    summary.files.append(write_co_purchase_truth(landing_dir / TRUTH_FOLDER / "co_purchases.csv"))
    summary.files.append(write_feeds_config(landing_dir, customers=customers, seed=seed))
    summary.files.append(
        write_parameters(
            landing_dir / TRUTH_FOLDER / "parameters.json",
            seed=seed,
            timeline=run.timeline,
            customers=customers,
            customers_per_file=customers_per_file,
            personas=PERSONAS,
            persona_counts=persona_counts.tolist(),
        )
    )
    return summary


def _write_chunk(
    run: _Run,
    summary: GenerationSummary,
    truth: TruthWriter,
    persona_counts: np.ndarray,
    chunk: int,
    first_number: int,
    count: int,
    responses: int,
) -> int:
    """Generate and write one chunk's three feed files and truth rows; returns responses so far."""

    def rng(concern: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(run.seed, spawn_key=(_CHUNK_STREAM, chunk, concern)))

    people = draw_customers(rng(_CUSTOMERS), first_number, count, PERSONAS, run.timeline)
    signups = signups_frame(
        rng(_PROFILES), people, PERSONAS, run.timeline, total_customers=run.customers, id_digits=run.id_digits
    )
    history = simulate_purchases(rng(_PURCHASES), people, PERSONAS, run.timeline)
    lines = order_lines(
        rng(_ORDERS),
        people,
        history,
        PERSONAS,
        run.catalogue,
        first_order_number=summary.orders + 1,
        id_digits=run.id_digits,
    )
    answers = survey_answers(
        rng(_SURVEYS),
        people,
        PERSONAS,
        run.questions,
        run.timeline,
        first_response_number=responses + 1,
        id_digits=run.id_digits,
    )
    summary.files.append(write_csv(lines, feed_file(summary.landing_dir, "purchases", chunk)))
    summary.files.append(write_csv(signups, feed_file(summary.landing_dir, "signups", chunk)))
    summary.files.append(write_csv(answers, feed_file(summary.landing_dir, "surveys", chunk)))
    contacts = campaign_responses(
        rng(_CAMPAIGNS), people, [p.name for p in PERSONAS], run.timeline, id_digits=run.id_digits
    )
    summary.files.append(write_csv(contacts, feed_file(summary.landing_dir, "campaign_responses", chunk)))
    truth.write(truth_frame(people, history, PERSONAS, likert_dimensions(run.questions), id_digits=run.id_digits))

    summary.purchase_lines += lines.height
    summary.orders += int(history.transaction_at.shape[0])
    summary.survey_answers += answers.height
    persona_counts += np.bincount(people.persona, minlength=len(PERSONAS))
    return responses + int(answers["response_id"].n_unique())
