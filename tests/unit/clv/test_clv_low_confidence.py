"""A backtest worse than the naive baseline marks the candidate CLV low confidence where analysts see it."""

import duckdb
import polars as pl

from assets.clv.assets import add_doubt, candidate_status
from assets.clv.status import LOW_CONFIDENCE, MODELLED, UNAVAILABLE, ClvStatus
from assets.clv.tables import status_row
from assets.warehouse import replace_table
from orchestration.cli import clv_warning


def candidate(status: ClvStatus) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    row = status_row(status, {"time_unit": "weeks", "calibration_end": None, "fitted_at": None})
    replace_table(con, "candidate", "clv_model_parameters", pl.DataFrame([row]))
    replace_table(con, "candidate", "customer_clv", pl.DataFrame({"customer_id": ["a"], "clv_status": [status.status]}))
    return con


def test_a_doubt_turns_a_modelled_clv_low_confidence_in_both_tables():
    con = candidate(ClvStatus(MODELLED))
    status = add_doubt(con, "the backtest missed more than the naive rate")
    assert status == ClvStatus(LOW_CONFIDENCE, ("the backtest missed more than the naive rate",))
    assert candidate_status(con) == status
    assert con.execute("select clv_status from candidate.customer_clv").fetchall() == [(LOW_CONFIDENCE,)]


def test_an_unavailable_clv_stays_unavailable():
    gone = ClvStatus(UNAVAILABLE, ("no purchases are loaded",))
    con = candidate(gone)
    assert add_doubt(con, "anything") == gone
    assert con.execute("select clv_status from candidate.customer_clv").fetchall() == [(UNAVAILABLE,)]


def test_report_and_status_warn_about_a_clv_that_is_not_modelled():
    con = duckdb.connect()
    con.execute("attach ':memory:' as segments")
    con.execute("create table segments.publication (version integer)")
    assert clv_warning(con) is None  # a version published before the CLV had a status
    low = ClvStatus(LOW_CONFIDENCE, ("the purchase history does not pin down the BG/NBD purchase model's a",))
    con.execute(
        "create or replace table segments.publication as select 1 as version, ? as clv_status, ? as clv_note",
        [low.status, low.note],
    )
    assert clv_warning(con) == f"Warning: CLV {low.note}"
    con.execute("update segments.publication set clv_status = 'modelled'")
    assert clv_warning(con) is None
