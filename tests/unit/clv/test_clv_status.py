"""The CLV as a capability with a status: data without a model publish null values and say why in words."""

import datetime

import polars as pl
import pytest
from clv_data import cdnow_transactions

from assets.clv.assets import ClvConfig
from assets.clv.mle import ModelFit
from assets.clv.scoring import score_customers
from assets.clv.status import (
    LOW_CONFIDENCE,
    MODELLED,
    STATUS_MODEL,
    UNAVAILABLE,
    ClvStatus,
    backtest_doubt,
    fit_doubts,
)

CALIBRATION_END = datetime.date(2026, 6, 30)
CONFIG = ClvConfig(purchase_model="bgnbd")


def orders(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "ordered_at": [datetime.datetime.fromisoformat(r[1]) for r in rows],
            "order_amount_usd": [r[2] for r in rows],
        },
        schema={"customer_id": pl.String, "ordered_at": pl.Datetime("us"), "order_amount_usd": pl.Float64},
    )


def customers(ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": ids, "as_of_date": [CALIBRATION_END] * len(ids)})


CASES = {
    "no purchases": (orders([]), "no purchases are loaded"),
    "a single day": (
        orders([(f"c{i:02d}", "2026-03-01 10:00:00", 20.0) for i in range(30)]),
        "every purchase is from a single day (2026-03-01)",
    ),
    "nine buyers": (
        orders([(f"c{i}", f"2026-0{m}-0{1 + i % 5} 10:00:00", 20.0) for i in range(9) for m in (1, 3)]),
        "only 9 customers have bought: the model needs at least 10 buyers",
    ),
    "no repeat buyers": (
        orders([(f"c{i:02d}", f"2026-0{1 + i % 6}-1{i % 9} 10:00:00", 20.0) for i in range(40)]),
        "none of the 40 buyers has bought on a second day yet",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_data_without_a_purchase_model_publish_null_clv_and_say_why(case):
    transactions, reason = CASES[case]
    ids = sorted({*transactions["customer_id"].to_list(), "prospect"})
    scored = score_customers(transactions, customers(ids), CONFIG, CALIBRATION_END)

    assert scored.status.status == UNAVAILABLE
    assert reason in scored.status.note
    assert "value tiers rank customers by spend to date" in scored.status.note
    clv = scored.clv
    assert clv["customer_id"].to_list() == ids  # every customer, none lost
    assert clv["clv_status"].unique().to_list() == [UNAVAILABLE]
    for column in ("p_alive", "expected_purchases", "expected_average_spend_usd", "expected_spend_usd", "clv_usd"):
        assert clv[column].null_count() == len(ids), column
    # the parameters table holds the status row only: no model was fitted
    assert scored.parameters.select("model", "parameter").rows() == [(STATUS_MODEL, "status")]
    assert scored.parameters["note"][0] == scored.status.note


def test_all_zero_spend_keeps_p_alive_and_nulls_the_value():
    transactions = cdnow_transactions().rename({"amount": "order_amount_usd"})
    zero = transactions.with_columns(pl.lit(0.0).alias("order_amount_usd"))
    ids = zero["customer_id"].unique().sort().to_list()
    scored = score_customers(zero, customers(ids), CONFIG, datetime.date(1997, 9, 30))
    assert scored.status.status == UNAVAILABLE
    assert "every repeat purchase with a known amount is worth 0" in scored.status.note
    assert scored.clv["clv_usd"].null_count() == len(ids)
    assert scored.clv["p_alive"].drop_nulls().len() > 2000  # the purchase model still scores the buyers
    assert set(scored.parameters["model"]) == {"bgnbd", STATUS_MODEL}


def test_a_model_the_data_support_is_modelled():
    transactions = cdnow_transactions().rename({"amount": "order_amount_usd"})
    ids = transactions["customer_id"].unique().sort().to_list()
    scored = score_customers(transactions, customers(ids), CONFIG, datetime.date(1997, 9, 30))
    assert scored.status == ClvStatus(MODELLED)
    assert scored.clv["clv_status"].unique().to_list() == [MODELLED]
    status = scored.parameters.filter(pl.col("model") == STATUS_MODEL)
    assert status["note"].to_list() == ["modelled: lifetime value estimated from the purchase history"]


def test_open_parameters_and_unconverged_fits_lower_the_confidence():
    open_fit = ModelFit("bgnbd", {"r": 0.2, "a": 9e3}, {"r": 0.1, "a": float("inf")}, -9.2, 200, True)
    stuck = ModelFit("gamma_gamma", {"p": 6.0}, {"p": 1.0}, -9.2, 200, False)
    doubts = fit_doubts(open_fit, stuck, None)
    assert doubts == [
        "the purchase history does not pin down the BG/NBD purchase model's a (their uncertainty is unbounded)",
        "the spend model's fit did not settle (the optimiser stopped before its tolerance)",
    ]
    fine = ModelFit("bgnbd", {"r": 0.2}, {"r": 0.1}, -9.2, 200, True)
    assert fit_doubts(fine) == []


def backtest_rows(model_error: float, naive_error: float) -> pl.DataFrame:
    row = {
        "calibration_end": datetime.date(2026, 1, 1),
        "holdout_end": datetime.date(2026, 6, 30),
        "total_error_pct": -45.0,
    }
    return pl.DataFrame(
        [
            {**row, "model": "bgnbd", "mean_absolute_error": model_error},
            {**row, "model": "naive_rate", "mean_absolute_error": naive_error},
        ]
    )


def test_a_backtest_worse_than_the_naive_baseline_is_a_doubt():
    assert backtest_doubt(backtest_rows(0.7, 1.0)) is None
    doubt = backtest_doubt(backtest_rows(1.3, 1.0))
    assert doubt is not None and "worse than simply repeating each customer's past rate (1.00)" in doubt
    assert "(total -45 %)" in doubt
    assert backtest_doubt(backtest_rows(1.3, 1.0).head(0)) is None  # a skipped backtest doubts nothing


def test_status_notes_read_back_and_gather_doubts():
    modelled = ClvStatus(MODELLED)
    low = modelled.with_doubt("first").with_doubt("second")
    assert low == ClvStatus(LOW_CONFIDENCE, ("first", "second"))
    assert low.note.startswith("low confidence: first; second. Read the CLV as a rough ranking")
    for status in (modelled, low, ClvStatus(UNAVAILABLE, ("no purchases",))):
        assert ClvStatus.from_note(status.note) == status
    gone = ClvStatus(UNAVAILABLE, ("no purchases",))
    assert gone.with_doubt("worse backtest") == gone and not gone.has_values
