"""The publish log: attempts recorded, replaced, abandoned; version numbers never reused."""

from datetime import UTC, datetime

from assets.publish.log import Attempt, mark_abandoned, next_version, read_log, record


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
    assert mark_abandoned(log_file, now=datetime(2026, 1, 1, tzinfo=UTC)) == [2]
    log = read_log(log_file)
    assert log["status"].to_list() == ["published", "abandoned"]
    assert "stopped before the attempt finished" in log["message"][1]
    assert mark_abandoned(log_file) == []


def test_next_version_follows_both_the_log_and_the_files(tmp_path):
    log_file = tmp_path / "publish_log.parquet"
    assert next_version(log_file, []) == 1
    record(log_file, Attempt(version=4))
    assert next_version(log_file, [2]) == 5
    assert next_version(log_file, [9]) == 10
