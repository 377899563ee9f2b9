"""Rollback goes back to the version the current one replaced, never to one that was not published."""

from datetime import UTC, datetime, timedelta

import duckdb
import polars as pl
import pytest

from assets.publish.log import Attempt, read_log, record
from assets.publish.rollback import NothingToRollBack, roll_back, status
from assets.publish.store import PublishedStore, write_version


def publish(store: PublishedStore, version: int, *, switch: bool = True) -> None:
    """Write ``version`` as the publish asset does: its publication row names the version it replaces."""
    row = pl.DataFrame(
        {"version": [version], "published_at": [datetime.now(UTC)], "previous_version": [store.current_version()]},
        schema_overrides={"previous_version": pl.Int64},
    )
    con = duckdb.connect()
    con.register("publication_row", row.to_arrow())
    write_version(con, store.version_file(version), {"publication": "select * from publication_row"})
    con.close()
    if switch:
        store.switch_to(version)
    status = "published" if switch else "abandoned"
    record(store.log_file, Attempt(version=version, status=status, published=switch))


def test_rollback_skips_unpublished_versions_and_is_logged(tmp_path):
    store = PublishedStore(tmp_path / "published")
    publish(store, 1)
    publish(store, 2, switch=False)  # killed after writing its file, before the switch
    record(store.log_file, Attempt(version=3, status="failed"))
    publish(store, 4)
    assert roll_back(store) == (4, 1)
    assert store.current_version() == 1
    last = read_log(store.log_file).tail(1).row(0, named=True)
    assert (last["action"], last["status"], last["published_version"], last["version"]) == (
        "rollback",
        "rolled_back",
        1,
        5,
    )
    with pytest.raises(NothingToRollBack, match="version 1 is the first published version"):
        roll_back(store)


def test_rollback_returns_to_the_version_the_current_one_replaced_not_to_a_rolled_back_one(tmp_path):
    store = PublishedStore(tmp_path / "published")
    for version in (1, 2, 3):
        publish(store, version)
    assert roll_back(store) == (3, 2)  # logged as version 4
    publish(store, 5)  # replaces 2; version 3 was rolled back and must not come back
    assert roll_back(store) == (5, 2)
    assert store.current_version() == 2
    assert roll_back(store) == (2, 1)


def test_rollback_to_a_pruned_version_is_refused_with_the_reason(tmp_path):
    store = PublishedStore(tmp_path / "published")
    for version in (1, 2, 3):
        publish(store, version)
    store.version_file(2).unlink()  # pruned
    with pytest.raises(NothingToRollBack, match=r"version 3 replaced version 2, whose file .* is no longer kept"):
        roll_back(store)
    assert store.current_version() == 3


def test_pruning_after_a_rollback_keeps_the_next_rollbacks_target(tmp_path):
    store = PublishedStore(tmp_path / "published")
    for version in (1, 2, 3):
        publish(store, version)
    assert roll_back(store) == (3, 2)
    publish(store, 5)  # replaces 2, which is older than the two newest files (3 and 5)
    assert store.prune(keep=2) == [1]
    assert roll_back(store) == (5, 2)


def test_rollback_with_nothing_published_is_refused(tmp_path):
    with pytest.raises(NothingToRollBack, match="nothing is published"):
        roll_back(PublishedStore(tmp_path / "published"))


def test_status_shows_version_age_and_last_attempt(tmp_path):
    store = PublishedStore(tmp_path / "published")
    publish(store, 1)
    record(store.log_file, Attempt(version=2, status="failed", failed_checks=["customer_clv_passes_expectations"]))
    report = status(store, refresh_running=False)
    assert report.version == 1
    lines = report.lines(now=report.published_at.astimezone(UTC) + timedelta(hours=2, minutes=5))
    assert lines[0].startswith("Published version: 1, published ") and lines[0].endswith("(2 h 5 min ago)")
    assert lines[1].startswith("Last attempt: version 2 (refresh), failed")
    assert lines[2] == "  failed checks: customer_clv_passes_expectations"
    assert lines[-1] == "No refresh is running."
    assert datetime.now(UTC) - report.published_at < timedelta(days=1)
