"""The CDNOW example, run the way docs/feeds.md documents: published parameters match the literature."""

from pathlib import Path

import duckdb
import pytest

from assets.publish.store import PublishedStore
from orchestration.cli import main

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cdnow" / "feeds.yaml"


def three_significant(value: float) -> str:
    return f"{value:.3g}"


@pytest.fixture(scope="module")
def cdnow_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("cdnow") / "cdnow.duckdb"
    assert main(["refresh", "--config", str(EXAMPLE), "--warehouse", str(warehouse)]) == 0
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    """`segments.*` from the published file, the way analysts open it; anything else from the warehouse."""
    path = PublishedStore.beside(warehouse).current if "segments." in sql else warehouse
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_cdnow_line_is_loaded(cdnow_warehouse):
    assert query(cdnow_warehouse, "select count(*) from raw.purchases") == [(6919,)]
    assert query(cdnow_warehouse, "select count(*) from segments.customer_clv") == [(2357,)]


def test_published_bgnbd_and_gamma_gamma_match_the_papers(cdnow_warehouse):
    rows = query(cdnow_warehouse, "select model, parameter, value, log_likelihood from segments.clv_model_parameters")
    params = {(model, name): value for model, name, value, _ in rows}
    assert {k: three_significant(v) for k, v in params.items() if k[0] == "bgnbd"} == {
        ("bgnbd", "r"): "0.243",
        ("bgnbd", "alpha"): "4.41",
        ("bgnbd", "a"): "0.793",
        ("bgnbd", "b"): "2.43",
    }
    bgnbd_ll = next(ll for model, _, _, ll in rows if model == "bgnbd")
    assert bgnbd_ll == pytest.approx(-9582.4, abs=0.1)
    assert {k: three_significant(v) for k, v in params.items() if k[0] == "gamma_gamma"} == {
        ("gamma_gamma", "p"): "6.25",
        ("gamma_gamma", "q"): "3.74",
        ("gamma_gamma", "gamma"): "15.4",
    }


def test_backtest_on_the_hold_out_weeks(cdnow_warehouse):
    rows = query(
        cdnow_warehouse,
        "select model, calibration_end, holdout_end, predicted_repeat_purchases, actual_repeat_purchases, "
        "mean_absolute_error from segments.clv_backtest order by model",
    )
    by_model = {row[0]: row for row in rows}
    _, calibration_end, holdout_end, predicted, actual, mae = by_model["bgnbd"]
    assert (str(calibration_end), str(holdout_end)) == ("1997-09-30", "1998-06-30")
    assert actual == 1882
    assert predicted == pytest.approx(1653, rel=0.01)
    # the model beats repeating each customer's calibration rate
    assert mae < by_model["naive_rate"][5]
