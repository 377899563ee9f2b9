"""Refreshes killed at four points, then two that succeed, all under a reader that never stops.

One scenario on a small landing (the expensive part is each refresh's fixed cost, so the tests
share it): publish a first version; change the feeds; start a reader process that queries the
published tables in a loop; SIGKILL a refresh process during ingestion, during dbt, during
segment computation and during publication (after its version file is written, before the
switch), checking after each kill that the published file is still the first version, byte for
byte; then run two refreshes back to back with the killed ones and each other, so the reader
crosses two switches. The tests assert on what was recorded.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.publish.assets import PAUSE_BEFORE_SWITCH
from assets.publish.lock import refresh_lock
from assets.publish.log import read_log
from assets.publish.store import PublishedStore
from assets.segments.profiles import SEGMENT_KINDS
from orchestration.cli import main
from orchestration.refresh import CANDIDATE_TABLES, failures, run_refresh
from sample_data import generate_feeds

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CUSTOMERS = 200
KILL_POINTS = {
    # what the refresh process logs (Dagster's console log at DEBUG) when it reaches each point
    "ingestion": 'STEP_START - Started execution of step "raw__signups"',  # purchases already loaded
    "dbt": "START sql table model marts.",  # dbt's own progress: staging built, marts under way
    "segment computation": 'STEP_START - Started execution of step "candidate__customer_segments"',
    "publication": f"{PAUSE_BEFORE_SWITCH}=",
}
NEW_BUYERS = 3

READER = textwrap.dedent(
    """
    # Query the published tables in a loop, a fresh read-only connection each time, as an analyst
    # tool would; one line per query: the version and whether every table agreed on it, or the error.
    import sys, time, duckdb
    from pathlib import Path
    path, stop, kinds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    QUERY = '''
        select p.version, p.customers,
               (select count(*) from segments.customer_segments),
               (select count(*) from segments.customer_clv),
               (select max(version) from segments.segment_history),
               (select count(*) from segments.segment_history h where h.version = p.version),
               (select sum(customers) from segments.segment_profiles where segment_kind = 'rfm_segment'),
               (select coalesce(max(to_version), p.previous_version) from segments.segment_transitions)
        from segments.publication p
    '''
    last_round = False
    while True:
        last_round = stop.exists()  # one more query after the stop file, so the final version is seen
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                version, customers, segs, clv, hist_max, hist_rows, profiled, moved_to = con.execute(QUERY).fetchone()
            finally:
                con.close()
            same = segs == clv == profiled == customers and hist_max == version and hist_rows == customers * kinds
            same = same and (moved_to is None or moved_to == version)
            print(f"ok {version} {int(same)}", flush=True)
        except Exception as exc:
            print(f"error {type(exc).__name__}: {exc}".replace(chr(10), " "), flush=True)
        if last_round:
            break
        time.sleep(0.02)  # share the two cores with the refreshes it is reading behind
    """
)


@dataclass
class Scenario:
    warehouse: Path
    store: PublishedStore
    first_version: int
    first_digest: str
    after_kill: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    killed_versions: dict[str, int] = field(default_factory=dict)
    version_files_after_publication_kill: list[int] = field(default_factory=list)
    next_refresh: dg.ExecuteInProcessResult | None = None
    last_refresh: dg.ExecuteInProcessResult | None = None
    next_version: int = 0
    raw_purchases_first: int = 0
    raw_purchases_next: int = 0
    reader_lines: list[str] = field(default_factory=list)
    new_buyers: list[str] = field(default_factory=list)
    new_customer: str = ""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scalar(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def kill_refresh_at(marker: str, warehouse: Path, landing: Path) -> None:
    """Start `segments refresh` in its own process group and SIGKILL the group when ``marker`` is logged."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env[PAUSE_BEFORE_SWITCH] = "600"  # only reached at publication, where the kill then lands for sure
    command = [sys.executable, "-m", "orchestration.cli", "refresh", "--warehouse", str(warehouse)]
    process = subprocess.Popen(
        [*command, "--landing", str(landing), "--verbose"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the group holds the refresh and its dbt child: kill both, like `kill -9 -PGID`
    )
    seen = []
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL, "".join(seen[-30:])


def add_changes(landing: Path, warehouse: Path) -> tuple[list[str], str]:
    """Three customers who never bought place orders; one new customer signs up without buying.

    Every refresh after this reads the changes, the killed ones included.
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        buyers = [
            row[0]
            for row in con.execute(
                "select customer_id from segments.customer_segments where rfm_segment = 'No purchases' "
                "order by customer_id limit ?",
                [NEW_BUYERS],
            ).fetchall()
        ]
        last = con.execute("select max(ordered_at) from marts.fct_orders").fetchone()[0]
    finally:
        con.close()
    assert len(buyers) == NEW_BUYERS, "the sample needs customers without purchases"
    lines = ["order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel"]
    for i, customer in enumerate(buyers):
        for j in range(3):
            when = last.replace(hour=0, minute=0, second=0) if j == 2 else last.replace(month=1, day=10 + j)
            lines.append(f"OLATE{i}{j},{customer},{when:%Y-%m-%d %H:%M:%S},P00001,grocery,2,40.00,web")
    (landing / "purchases" / "purchases_late.csv").write_text("\n".join(lines) + "\n")
    signups = sorted((landing / "signups").glob("*.csv"))[0]
    header = signups.read_text().splitlines()[0]
    fields = dict.fromkeys(header.split(","), "")
    fields.update(customer_id="C9000001", signed_up_at=f"{last:%Y-%m-%d} 08:00:00", marketing_consent="true")
    (landing / "signups" / "signups_late.csv").write_text(header + "\n" + ",".join(fields.values()) + "\n")
    return buyers, "C9000001"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("crash")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    generate_feeds(landing, customers=CUSTOMERS, seed=23, progress=False, overwrite=True)
    store = PublishedStore.beside(warehouse)

    first = run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral())
    assert first.success, failures(first)
    result = Scenario(warehouse, store, store.current_version(), digest(store.current))
    result.raw_purchases_first = scalar(warehouse, "select count(*) from raw.purchases")

    result.new_buyers, result.new_customer = add_changes(landing, warehouse)
    planted_lines = NEW_BUYERS * 3

    stop = root / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(store.current), str(stop), str(len(SEGMENT_KINDS))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        result.reader_lines.append(reader.stdout.readline().strip())  # it has read once before any refresh
        for point, marker in KILL_POINTS.items():
            kill_refresh_at(marker, warehouse, landing)
            result.after_kill[point] = (store.current_version(), digest(store.current))
            result.killed_versions[point] = int(read_log(store.log_file)["version"].max())
            if point == "publication":
                result.version_files_after_publication_kill = store.versions()
        result.next_refresh = run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral())
        result.next_version = store.current_version()
        # straight after it, a refresh of the same feeds: a second switch under the reader
        result.last_refresh = run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral())
        result.raw_purchases_next = scalar(warehouse, "select count(*) from raw.purchases") - planted_lines
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=120)
    result.reader_lines += out.splitlines()
    return result


def test_after_each_kill_analysts_still_see_the_first_version_byte_for_byte(scenario):
    assert list(scenario.after_kill) == list(KILL_POINTS)
    for point, (version, file_digest) in scenario.after_kill.items():
        assert version == scenario.first_version, point
        assert file_digest == scenario.first_digest, point


def test_the_publication_kill_landed_after_its_version_was_written_and_before_the_switch(scenario):
    killed = scenario.killed_versions["publication"]
    assert killed in scenario.version_files_after_publication_kill
    assert scenario.after_kill["publication"][0] == scenario.first_version


def test_killed_attempts_are_logged_as_abandoned(scenario):
    log = read_log(scenario.store.log_file)
    killed = sorted(scenario.killed_versions.values())
    assert len(set(killed)) == len(KILL_POINTS)
    statuses = dict(zip(log["version"], log["status"], strict=True))
    assert [statuses[v] for v in killed] == ["abandoned"] * len(KILL_POINTS)
    assert [s for v, s in statuses.items() if v > max(killed)] == ["published", "published"]


def test_the_next_refreshes_succeed_without_duplicated_rows(scenario):
    assert scenario.next_refresh.success, failures(scenario.next_refresh)
    assert scenario.last_refresh.success, failures(scenario.last_refresh)
    # every line loaded once, over both refreshes: the first refresh's lines plus the planted ones
    assert scenario.raw_purchases_next == scenario.raw_purchases_first
    con = duckdb.connect(str(scenario.store.current), read_only=True)
    try:
        for table in ("customer_segments", "customer_clv"):
            rows, customers = con.execute(
                f"select count(*), count(distinct customer_id) from segments.{table}"
            ).fetchone()
            assert rows == customers == CUSTOMERS + 1
        duplicated = con.execute(
            "select count(*) from (select version, customer_id, segment_kind from segments.segment_history "
            "group by all having count(*) > 1)"
        ).fetchone()[0]
        assert duplicated == 0
    finally:
        con.close()
    # the log counts the candidate tables the refresh built
    last = read_log(scenario.store.log_file).filter(pl.col("run_id") == scenario.last_refresh.run_id).row(0, named=True)
    counts = json.loads(last["row_counts"])
    assert sorted(counts) == sorted(CANDIDATE_TABLES)
    assert counts["customer_segments"] == counts["customer_clv"] == CUSTOMERS + 1
    # the warehouse's own copy holds the version analysts see
    assert scalar(scenario.warehouse, "select version from segments.publication") == scenario.store.current_version()


def test_the_reader_never_failed_and_always_saw_one_whole_version(scenario):
    lines = scenario.reader_lines
    assert [line for line in lines if not line.startswith("ok ")] == []
    seen = [tuple(int(x) for x in line.split()[1:]) for line in lines]
    assert all(consistent for _, consistent in seen)
    versions = [version for version, _ in seen]
    assert versions == sorted(versions)  # never went back to an older version
    published = read_log(scenario.store.log_file).filter(pl.col("status") == "published")["version"].to_list()
    assert versions[0] == scenario.first_version
    assert versions[-1] == published[-1] != scenario.first_version
    # it read every published version: across two switches, the second right after the first
    assert set(versions) == set(published) and len(published) == 3


def test_two_consecutive_publications_record_the_expected_transitions(scenario):
    latest = scenario.next_version  # the publication that read the planted changes
    con = duckdb.connect()
    try:
        con.execute("attach ? as segments (read_only)", [str(scenario.store.version_file(latest))])
        previous = con.execute("select previous_version from segments.publication").fetchall()[0][0]
        history = con.sql(
            "select * from segments.segment_history where version in (?, ?)", params=[previous, latest]
        ).pl()
        moves = con.sql("select * from segments.segment_transitions where to_version = ?", params=[latest]).pl()
    finally:
        con.close()
    assert previous == scenario.first_version
    assert set(moves["from_version"]) == {previous}
    assert set(moves["segment_kind"]) == set(SEGMENT_KINDS)

    rfm = history.filter(pl.col("segment_kind") == "rfm_segment")
    before = dict(rfm.filter(pl.col("version") == previous).select("customer_id", "segment").iter_rows())
    after = dict(rfm.filter(pl.col("version") == latest).select("customer_id", "segment").iter_rows())
    # the planted changes: three customers bought for the first time, one customer is new
    assert [before[c] for c in scenario.new_buyers] == ["No purchases"] * NEW_BUYERS
    assert all(after[c] != "No purchases" for c in scenario.new_buyers)
    assert scenario.new_customer not in before and after[scenario.new_customer] == "No purchases"
    # every count in the transitions table is what the two versions' assignments say
    expected: dict[tuple, int] = {}
    for customer in before.keys() | after.keys():
        key = (before.get(customer), after.get(customer))
        expected[key] = expected.get(key, 0) + 1
    recorded = {
        (row["from_segment"], row["to_segment"]): row["customers"]
        for row in moves.filter(pl.col("segment_kind") == "rfm_segment").iter_rows(named=True)
    }
    assert recorded == expected
    assert recorded[(None, "No purchases")] == 1
    assert sum(n for (src, dst), n in recorded.items() if src == "No purchases" and dst != "No purchases") >= NEW_BUYERS


def test_a_second_refresh_is_refused_while_one_holds_the_warehouse(scenario, capsys):
    with refresh_lock(scenario.store.lock_file):
        code = main(["refresh", "--warehouse", str(scenario.warehouse), "--landing", str(scenario.warehouse.parent)])
    assert code == 3
    assert "Refresh refused: Another refresh or rollback of this warehouse is running (refresh by pid" in (
        capsys.readouterr().err
    )


def test_status_then_rollback_to_the_previous_published_version(scenario, capsys):
    published = read_log(scenario.store.log_file).filter(pl.col("status") == "published")["version"].to_list()
    assert len(published) == 3
    assert main(["status", "--warehouse", str(scenario.warehouse)]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].startswith(f"Published version: {published[-1]}, published ")
    assert shown[1].startswith(f"Last attempt: version {published[-1]} (refresh), published")

    assert main(["rollback", "--warehouse", str(scenario.warehouse)]) == 0
    assert scenario.store.current_version() == published[-2]
    assert scalar(scenario.warehouse, "select version from segments.publication") == published[-2]
    assert main(["report", "--warehouse", str(scenario.warehouse), "--kind", "all"]) == 0
    report = capsys.readouterr().out
    assert f"Rolled back from version {published[-1]} to version {published[-2]}" in report
    assert "Rfm segments" in report and "Churn risks" in report
