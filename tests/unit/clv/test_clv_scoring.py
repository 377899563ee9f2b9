"""score_customers and the CLV settings: missing spend, the parameters table, calibration_end."""

import datetime

import polars as pl
import pytest
from clv_data import cdnow_transactions

from assets.clv.assets import ClvConfig, backtest_split, score_customers
from assets.clv.errors import CLVSettingError
from assets.clv.mle import ModelFit
from assets.clv.settings import checked_calibration_end
from assets.clv.tables import parameter_table

CALIBRATION_END = datetime.date(1997, 9, 30)
CONFIG = ClvConfig(purchase_model="bgnbd")
ORDERS = cdnow_transactions().rename({"amount": "order_amount_usd"})
CUSTOMERS = ORDERS.select("customer_id").unique()


def with_missing_amounts() -> tuple[pl.DataFrame, str, str]:
    """CDNOW with every amount of one repeat buyer missing, and one repeat amount of another."""
    days = ORDERS.filter(pl.col("ordered_at") <= datetime.datetime(1997, 9, 30)).sort("customer_id", "ordered_at")
    repeaters = days.group_by("customer_id").agg(pl.col("ordered_at").n_unique().alias("n")).filter(pl.col("n") >= 3)
    unknown, partly = sorted(repeaters["customer_id"])[:2]
    last_of_partly = days.filter(pl.col("customer_id") == partly)["ordered_at"].max()
    missing = (pl.col("customer_id") == unknown) | (
        (pl.col("customer_id") == partly) & (pl.col("ordered_at") == last_of_partly)
    )
    return (
        ORDERS.with_columns(pl.when(missing).then(None).otherwise("order_amount_usd").alias("order_amount_usd")),
        unknown,
        partly,
    )


def test_missing_amounts_skip_the_spend_model_with_counts_and_never_count_as_zero():
    orders, unknown, partly = with_missing_amounts()
    scored = score_customers(orders, CUSTOMERS, CONFIG, CALIBRATION_END)
    clv, parameters, skipped = scored.clv, scored.parameters, scored.spend_skipped
    assert skipped is not None
    assert "by 2 of 946 repeat buyers, have no amount" in skipped
    assert "the 1 with none known have no CLV (null)" in skipped
    rows = {row["customer_id"]: row for row in clv.iter_rows(named=True)}
    assert rows[unknown]["clv_usd"] is None and rows[unknown]["expected_average_spend_usd"] is None
    assert rows[unknown]["expected_purchases"] > 0  # the purchase model still scores them
    # priced at the mean of the known repeat amounts, not with the missing one as 0
    known = rows[partly]["monetary_value_usd"]
    assert rows[partly]["expected_average_spend_usd"] == pytest.approx(known) and known > 0
    assert clv["clv_usd"].null_count() == 1
    # the reason is queryable in the parameters table, and the purchase model's rows are unchanged
    note = parameters.filter(pl.col("model") == "gamma_gamma")
    assert note.height == 1 and note["parameter"][0] is None
    assert note["note"][0] == f"skipped: {skipped}"
    assert parameters.filter(pl.col("model") == "bgnbd")["note"].null_count() == 4


def test_parameters_table_keeps_its_columns_and_adds_a_note():
    scored = score_customers(ORDERS, CUSTOMERS, CONFIG, CALIBRATION_END)
    parameters = scored.parameters
    assert scored.spend_skipped is None
    assert parameters.columns == [
        "model", "parameter", "value", "std_error", "log_likelihood", "customers",
        "time_unit", "calibration_end", "fitted_at", "note",
    ]  # fmt: skip
    # seven parameters with no note, and the CLV's status in a row of its own
    assert parameters.height == 8 and parameters["note"].null_count() == 7


def test_parameters_table_notes_open_parameters_and_unconverged_fits():
    fit = ModelFit("bgnbd", {"r": 0.2, "a": 9e3}, {"r": 0.1, "a": float("inf")}, -9.2, 200, True)
    notes = parameter_table(fit, None, None, time_unit="weeks", calibration_end=CALIBRATION_END)["note"].to_list()
    assert notes[0] is None and notes[1].startswith("not identified")
    stuck = ModelFit("bgnbd", {"r": 0.2}, {"r": 0.1}, -9.2, 200, False)
    table = parameter_table(stuck, None, None, time_unit="weeks", calibration_end=CALIBRATION_END)
    assert table["note"][0].startswith("not converged")


AS_OF = datetime.date(1998, 6, 30)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("1999-01-01", "calibration_end 1999-01-01 is after the as-of date 1998-06-30"),
        ("1997-13-01", "calibration_end '1997-13-01' is not a date in the form YYYY-MM-DD .*as-of date is 1998-06-30"),
        ("30/09/1997", "calibration_end '30/09/1997' is not a date"),
    ],
    ids=["after-as-of", "no-such-month", "malformed"],
)
def test_calibration_end_is_checked_against_the_as_of_date(setting, message):
    config = ClvConfig(calibration_end=setting)
    with pytest.raises(CLVSettingError, match=message):
        checked_calibration_end(setting, AS_OF)
    with pytest.raises(CLVSettingError, match=message):
        backtest_split(config, AS_OF)


def test_calibration_end_defaults_to_the_as_of_date_and_may_equal_it():
    assert checked_calibration_end(None, AS_OF) == checked_calibration_end("", AS_OF) == AS_OF
    assert checked_calibration_end("1998-06-30", AS_OF) == AS_OF
    assert checked_calibration_end("1997-09-30", AS_OF) == CALIBRATION_END
    assert backtest_split(ClvConfig(calibration_end="1997-09-30"), AS_OF) == CALIBRATION_END
    assert backtest_split(ClvConfig(backtest_holdout_days=10), AS_OF) == datetime.date(1998, 6, 20)
