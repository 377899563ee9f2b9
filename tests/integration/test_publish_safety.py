"""Nothing leaked, nothing left running, nothing growing: one scenario of real refreshes on a small landing.

1. Sign-ups with broken emails and phone numbers fail the quarantine check: the attempt is logged,
   its message names files, lines and fields but no contact value.
2. With the broken rows gone, a refresh publishes.
3. A refresh whose Python process alone is SIGKILLed while dbt runs: dbt dies with it, and the
   next refresh succeeds (no `Conflicting lock`).
4. Publications of unchanged data, keeping two versions: after six the published file, the
   warehouse's live data and the rest of the data folder are no larger than after three, but for
   one pair of history files per publication; the warehouse's free space stays below its data.
Then every table and view of the published file is scanned for the landing files' emails and
phone numbers, and the files holding contact data are checked to be owner-only.
"""

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.publish.history_files import history_dir
from assets.publish.log import read_log
from assets.publish.store import PublishedStore
from orchestration.refresh import failures, run_refresh
from sample_data import generate_feeds

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CUSTOMERS = 200
KEEP = 2
DBT_MARKER = "START sql table model marts."
HEADER = "customer_id,signed_up_at,email,phone,city,marketing_consent"
GOOD = [
    f"C95{i:05d},2025-02-01 10:00:00,good.person{i}@contact.example,+44 20 7946 {i:04d},Leeds,yes" for i in range(10)
]
BROKEN = [
    f"C96{i:05d},2025-02-01 10:00:00,jane.doe{i}.private@gmail,+44 {i:02d},York,yes"
    if i % 2
    else f"C96{i:05d},2025-02-01 10:00:00,jane.doe{i}.private@gmail,,York,yes"
    for i in range(30)
]


@dataclass
class Scenario:
    root: Path
    warehouse: Path
    store: PublishedStore
    contact_values: set[str]
    failed_message: str = ""
    failed_checks: list[str] = field(default_factory=list)
    dbt_children: list[int] = field(default_factory=list)
    children_alive_after_kill: list[int] = field(default_factory=list)
    after_kill: dg.ExecuteInProcessResult | None = None
    sizes: dict[int, dict[str, int]] = field(default_factory=dict)
    history_file_bytes: int = 0


def contact_values(landing: Path) -> set[str]:
    """Every email and phone number in the landing files, as written and normalised."""
    values: set[str] = set()
    for path in (landing / "signups").glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        names = lines[0].split(",")
        for line in lines[1:]:
            row = dict(zip(names, line.split(","), strict=False))
            for name in ("email", "phone"):
                value = (row.get(name) or "").strip()
                if value:
                    values |= {value, value.lower(), re.sub(r"[\s().\-/]", "", value)}
    return values


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def sizes(root: Path, warehouse: Path, store: PublishedStore) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        used, free, block = con.execute(
            "select used_blocks, free_blocks, block_size from pragma_database_size()"
        ).fetchone()
    finally:
        con.close()
    return {
        "published": store.current.stat().st_size,
        "warehouse": warehouse.stat().st_size,
        "warehouse used": used * block,
        "warehouse free": free * block,
        "data": folder_bytes(root) - folder_bytes(root / "landing"),
        "history": folder_bytes(history_dir(store)),
    }


def children(pid: int) -> list[int]:
    """The direct children of a process, from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(x) for x in text]
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def kill_only_the_refresh_during_dbt(warehouse: Path, landing: Path) -> tuple[list[int], list[int]]:
    """SIGKILL the `segments refresh` process alone while dbt builds the marts; (dbt's pids, those still alive)."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    command = [sys.executable, "-m", "orchestration.cli", "refresh", "--warehouse", str(warehouse)]
    process = subprocess.Popen(
        [*command, "--landing", str(landing), "--verbose"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    dbt: list[int] = []
    for line in process.stdout:
        seen.append(line)
        if DBT_MARKER in line:
            dbt = children(process.pid)
            process.kill()  # the refresh's own process only, not its group
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL, "".join(seen[-30:])
    assert dbt, "dbt was not running as a child of the refresh"
    deadline = time.monotonic() + 10
    while any(alive(p) for p in dbt) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = [p for p in dbt if alive(p)]
    for pid in still:
        os.kill(pid, signal.SIGKILL)  # leave nothing behind whatever the outcome
    return dbt, still


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("safety")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    generate_feeds(landing, customers=CUSTOMERS, seed=29, progress=False, overwrite=True)
    contacts = landing / "signups" / "zz_contacts.csv"
    contacts.write_text("\n".join([HEADER, *GOOD, *BROKEN]) + "\n", encoding="utf-8")
    store = PublishedStore.beside(warehouse)
    result = Scenario(root, warehouse, store, contact_values(landing))
    settings = {"keep_versions": KEEP}

    def refresh() -> dg.ExecuteInProcessResult:
        return run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral(), publication=settings)

    failed = refresh()
    assert not failed.success
    row = read_log(store.log_file).row(-1, named=True)
    result.failed_message, result.failed_checks = row["message"] or "", row["failed_checks"]

    contacts.write_text("\n".join([HEADER, *GOOD]) + "\n", encoding="utf-8")
    first = refresh()
    assert first.success, failures(first)

    result.dbt_children, result.children_alive_after_kill = kill_only_the_refresh_during_dbt(warehouse, landing)
    result.after_kill = refresh()
    published = 2  # the first publication and the one after the kill
    while published < 6:
        assert refresh().success
        published += 1
        if published in (3, 6):
            result.sizes[published] = sizes(root, warehouse, store)
    history = sorted(history_dir(store).glob("segment_history-*.parquet"))
    result.history_file_bytes = max(p.stat().st_size for p in history) + max(
        p.stat().st_size for p in history_dir(store).glob("segment_transitions-*.parquet")
    )
    return result


def test_a_failed_attempt_logs_files_lines_and_fields_but_no_contact_value(scenario):
    assert "raw_signups_quarantine_share_is_small" in " ".join(scenario.failed_checks)
    assert "zz_contacts.csv" in scenario.failed_message and "email: not an email address" in scenario.failed_message
    leaked = [v for v in scenario.contact_values if v in scenario.failed_message]
    assert leaked == []


def test_killing_only_the_refresh_process_during_dbt_takes_dbt_along_and_the_next_refresh_succeeds(scenario):
    assert scenario.children_alive_after_kill == []
    assert scenario.after_kill.success, failures(scenario.after_kill)
    statuses = read_log(scenario.store.log_file)["status"].to_list()
    assert statuses[:4] == ["failed", "published", "abandoned", "published"]


def test_no_table_or_view_of_the_published_file_holds_an_email_or_phone_number_from_the_landing_files(scenario):
    con = duckdb.connect(str(scenario.store.current), read_only=True)
    try:
        relations = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' order by 1"
            ).fetchall()
        ]
        assert {"customer_segments", "segment_history", "segment_transitions", "publish_log"} <= set(relations)
        leaks = {}
        for name in relations:
            text = "\n".join(str(row) for row in con.execute(f'select * from "{name}"').fetchall())
            found = sorted(v for v in scenario.contact_values if v in text)
            if found:
                leaks[name] = found[:3]
    finally:
        con.close()
    assert leaks == {}
    assert any("@contact.example" in v for v in scenario.contact_values)  # the scan had values to look for


def test_publications_of_unchanged_data_stop_growing_but_for_their_history_files(scenario):
    after3, after6 = scenario.sizes[3], scenario.sizes[6]
    assert after6["published"] <= after3["published"] * 1.05, (after3, after6)
    # the warehouse's live data does not grow; its free blocks stay at most half the file (compaction)
    assert after6["warehouse used"] <= after3["warehouse used"] * 1.05, (after3, after6)
    assert after6["warehouse free"] <= after6["warehouse used"], (after3, after6)
    # three more publications add three pairs of history files; DuckDB's block reuse is allowed 5 %
    allowed = 3 * scenario.history_file_bytes + 0.05 * after3["data"] + (after6["warehouse"] - after3["warehouse"])
    assert after6["data"] - after3["data"] <= allowed, (after3, after6)
    assert after6["history"] - after3["history"] <= 3 * scenario.history_file_bytes
    assert len(scenario.store.versions()) == KEEP


def test_files_holding_contact_data_are_owner_only_and_what_analysts_read_is_readable(scenario):
    def mode(path: Path) -> int:
        return path.stat().st_mode & 0o777

    assert mode(scenario.warehouse) & 0o077 == 0
    assert mode(scenario.warehouse.parent / "pii.key") == 0o600
    exports = [p for p in scenario.store.exports_dir.rglob("*") if p.is_file()]
    assert exports and all(mode(p) & 0o077 == 0 for p in exports)
    assert mode(scenario.store.current) == 0o444
    assert mode(scenario.store.log_file) == 0o644
    assert mode(scenario.store.root) & 0o005 == 0o005 and mode(history_dir(scenario.store)) & 0o005 == 0o005
