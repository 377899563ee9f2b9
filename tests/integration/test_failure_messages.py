"""A failing refresh's first line names the root cause: the model's message, the file, the offending values."""

import re
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import main
from orchestration.refresh import failures, refresh_run_config, run_refresh
from sample_data import generate_feeds

pytestmark = pytest.mark.integration
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("failing-sample")
    generate_feeds(landing, customers=150, seed=7, progress=False, overwrite=True)
    return landing


def copy_landing(sample: Path, tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(sample, landing, ignore=shutil.ignore_patterns("_truth", "feeds.yaml"))
    return landing


def test_a_clv_error_is_named_with_the_models_own_message(sample, tmp_path):
    settings = refresh_run_config({"calibration_end": "2100-01-01"})
    result = run_refresh(tmp_path / "w.duckdb", sample, settings, instance=dg.DagsterInstance.ephemeral())
    assert not result.success
    first = failures(result)[0]
    assert first.startswith("step customer_clv failed: calibration_end 2100-01-01 is after the as-of date 2026-")
    assert "(at assets/clv/settings.py:" in first
    assert "Error occurred while executing op" not in first


def test_a_bad_file_is_the_first_line_of_the_cli_with_no_colour_codes(sample, tmp_path, capsys):
    landing = copy_landing(sample, tmp_path)
    (landing / "purchases" / "12_empty.csv").write_text("")
    warehouse = tmp_path / "w.duckdb"
    assert main(["refresh", "--warehouse", str(warehouse), "--landing", str(landing)]) == 1
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("Refresh failed: check raw_purchases_files_are_all_loaded on raw/purchases failed: ")
    assert "12_empty.csv: the file is empty (0 bytes)" in first
    # Dagster's step noise went to the log file, and neither has colour codes
    assert "STEP_FAILURE" not in err and "Stack Trace" not in err and not ANSI.search(err)
    log = next((tmp_path / "logs").glob("refresh-*.log")).read_text()
    assert "raw_purchases_files_are_all_loaded" in log and not ANSI.search(log)


def test_a_failing_dbt_test_names_the_offending_rows(sample, tmp_path):
    landing = copy_landing(sample, tmp_path)
    answers = next((landing / "surveys").glob("*.csv"))
    header = answers.read_text().splitlines()[0]
    (landing / "surveys" / "unknown_question.csv").write_text(
        header + "\nR-UNKNOWN,C0000001,S1,Q999,3,2026-01-02 10:00:00\n"
    )
    result = run_refresh(tmp_path / "w.duckdb", landing, instance=dg.DagsterInstance.ephemeral())
    assert not result.success
    first = failures(result)[0]
    assert first.startswith("check relationships_stg_surveys__answers_question_id__question_id__ref_"), first
    assert "failed: 1 failing row(s): {response_id: 'R-UNKNOWN', customer_id: 'C0000001'" in first
    assert "question_id: 'Q999'" in first
