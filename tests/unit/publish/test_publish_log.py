"""The publish log: attempts recorded, replaced, abandoned; version numbers never reused."""

from datetime import UTC, datetime

import dagster as dg

from assets.publish.log import Attempt, mark_abandoned, next_version, read_log, record
from orchestration.refresh import candidate_row_counts


def test_an_attempt_is_recorded_then_replaced_when_it_finishes(tmp_path):
    log_file = tmp_path / "publish_log.parquet"
    attempt = Attempt(version=1, input_files=["purchases: /x.csv"])
    record(log_file, attempt)
    assert read_log(log_file)["status"].to_list() == ["running"]
    attempt.status, attempt.published, attempt.row_counts = "published", True, {"customer_segments": 3}
    record(log_file, attempt)
    log = read_log(log_file)
    assert log.height == 1
    row = log.row(0, named=True)
    assert (row["status"], row["published"], row["row_counts"]) == ("published", True, '{"customer_segments": 3}')
    assert row["input_files"] == ["purchases: /x.csv"]


def test_attempts_left_running_by_a_killed_process_become_abandoned(tmp_path):
    log_file = tmp_path / "publish_log.parquet"
    record(log_file, Attempt(version=1, status="published", published=True))
    record(log_file, Attempt(version=2))
    assert mark_abandoned(log_file, published_version=1, now=datetime(2026, 1, 1, tzinfo=UTC)) == [2]
    log = read_log(log_file)
    assert log["status"].to_list() == ["published", "abandoned"]
    assert "stopped before the attempt finished" in log["message"][1]
    assert mark_abandoned(log_file, published_version=1) == []


def test_an_attempt_killed_after_its_switch_is_recorded_as_published(tmp_path):
    log_file = tmp_path / "publish_log.parquet"
    record(log_file, Attempt(version=1, status="published", published=True, published_version=1))
    record(log_file, Attempt(version=2, published_version=1))  # killed after switching, before its row was finished
    assert mark_abandoned(log_file, published_version=2) == [2]
    row = read_log(log_file).row(1, named=True)
    assert (row["status"], row["published"], row["published_version"]) == ("published", True, 2)
    assert "died after publishing version 2" in row["message"]
    assert row["finished_at"] is not None


def test_an_attempt_killed_before_its_switch_stays_unpublished(tmp_path):
    log_file = tmp_path / "publish_log.parquet"
    record(log_file, Attempt(version=1, status="published", published=True, published_version=1))
    record(log_file, Attempt(version=2, published_version=1))
    assert mark_abandoned(log_file, published_version=1) == [2]
    row = read_log(log_file).row(1, named=True)
    assert (row["status"], row["published"], row["published_version"]) == ("abandoned", False, 1)


def test_next_version_follows_both_the_log_and_the_files(tmp_path):
    log_file = tmp_path / "publish_log.parquet"
    assert next_version(log_file, []) == 1
    record(log_file, Attempt(version=4))
    assert next_version(log_file, [2]) == 5
    assert next_version(log_file, [9]) == 10


def test_row_counts_cover_only_the_candidate_tables_the_run_materialized():
    @dg.asset(key=["candidate", "customer_segments"])
    def segments() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"dagster/row_count": 7})

    @dg.asset(key=["candidate", "customer_clv"], deps=[segments])
    def clv() -> None:
        raise RuntimeError("the model did not converge")

    @dg.asset(key=["marts", "dim_customers"])
    def customers() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"dagster/row_count": 9})

    result = dg.materialize([segments, clv, customers], raise_on_error=False)
    assert not result.success
    # customer_clv failed and the other candidate tables were not built by this run: not counted
    assert candidate_row_counts(result) == {"customer_segments": 7}
