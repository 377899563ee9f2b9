"""Inputs that used to change results silently or stop the build, through the loader and real dbt models.

- a consent withdrawn in an update file wins by the record's time and load order, whatever the file is named;
- an order id on two customers' lines is one order per customer, and a warn-severity test lists it;
- a free-text answer to a scale question scores null and is counted, instead of failing the dbt build.
"""

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.currency import write_rates
from assets.ingest.feeds import PURCHASES, SIGNUPS, SURVEYS
from assets.ingest.loading import load_feed
from assets.ingest.lookups import Lookups
from assets.ingest.survey_codebook import write_codebook

pytestmark = pytest.mark.integration
DEFECTS = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "defects"
KEY = b"defects-test-key-0123456789abcdef"
SIGNUP_MODELS = "stg_crm__signups int_signups_deduplicated"


def land(folder: Path, fixture: str, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFECTS / fixture, folder / name)


def load(warehouse: Path, source: FeedSource, now: datetime) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        outcomes = load_feed(con, source, now=now, pii_key=KEY).outcomes
        # the lookup tables the refresh writes beside the feeds: the shipped defaults
        write_rates(con, Lookups())
        write_codebook(con, Lookups())
    finally:
        con.close()
    assert {o.status for o in outcomes} <= {"loaded"}, [o.problem for o in outcomes]


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def consent(warehouse: Path) -> dict[str, bool]:
    return dict(
        query(warehouse, "select customer_id, has_marketing_consent from intermediate.int_signups_deduplicated")
    )


@pytest.mark.parametrize("update_name", ["a_update.csv", "z_update.csv"])
def test_a_consent_withdrawal_loaded_later_wins_whatever_the_file_is_called(tmp_path: Path, dbt_build, update_name):
    folder, warehouse = tmp_path / "signups", tmp_path / "warehouse.duckdb"
    source = FeedSource(SIGNUPS, folder)
    land(folder, "signups_original.csv", "m_original.csv")
    load(warehouse, source, datetime(2026, 1, 1))
    # the update repeats the sign-up time (same record time): the later load decides
    land(folder, "signups_consent_withdrawn.csv", update_name)
    load(warehouse, source, datetime(2026, 1, 2))
    result = dbt_build(warehouse, tmp_path / "target", SIGNUP_MODELS)
    assert result.returncode == 0, result.stdout[-3000:]
    assert consent(warehouse) == {"C1": False, "C2": True}


@pytest.mark.parametrize("update_name", ["a_update.csv", "z_update.csv"])
def test_in_one_load_at_the_same_time_the_withdrawal_wins(tmp_path: Path, dbt_build, update_name):
    folder, warehouse = tmp_path / "signups", tmp_path / "warehouse.duckdb"
    land(folder, "signups_original.csv", "m_original.csv")
    land(folder, "signups_consent_withdrawn.csv", update_name)
    load(warehouse, FeedSource(SIGNUPS, folder), datetime(2026, 1, 1))
    result = dbt_build(warehouse, tmp_path / "target", SIGNUP_MODELS)
    assert result.returncode == 0, result.stdout[-3000:]
    assert consent(warehouse)["C1"] is False


def test_an_order_id_on_two_customers_credits_each_their_own_line(tmp_path: Path, dbt_build):
    folder, warehouse = tmp_path / "purchases", tmp_path / "warehouse.duckdb"
    land(folder, "purchases_order_id_two_customers.csv", "orders.csv")
    load(warehouse, FeedSource(PURCHASES, folder), datetime(2026, 1, 1))
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases int_orders_aggregated")
    assert result.returncode == 0, result.stdout[-3000:]
    orders = query(
        warehouse,
        "select order_id, customer_id, item_count, order_amount_usd from intermediate.int_orders_aggregated "
        "order by order_id, customer_id",
    )
    assert orders == [("O100", "C1", 1, 10.0), ("O100", "C2", 3, 99.0), ("O101", "C2", 1, 33.0)]
    # the warn-severity test shows the reused id without stopping the build
    assert "WARN 1 order_ids_belong_to_one_customer" in result.stdout


def test_a_free_text_answer_to_a_scale_question_scores_null_and_is_counted(tmp_path: Path, dbt_build):
    folder, warehouse = tmp_path / "surveys", tmp_path / "warehouse.duckdb"
    land(folder, "surveys_free_text_answer.csv", "answers.csv")
    load(warehouse, FeedSource(SURVEYS, folder), datetime(2026, 1, 1))
    models = "survey_codebook int_survey_codebook_resolved stg_surveys__answers int_survey_answers_scored"
    result = dbt_build(warehouse, tmp_path / "target", models)
    assert result.returncode == 0, result.stdout[-3000:]
    scores = query(
        warehouse,
        "select response_id, question_id, score from intermediate.int_survey_answers_scored "
        "order by response_id, question_id",
    )
    assert scores == [("R1", "Q01", 1.0), ("R1", "Q03", None), ("R2", "Q01", 0.25)]
    assert "WARN 1 survey_scale_answers_are_numbers" in result.stdout
