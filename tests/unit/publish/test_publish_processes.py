"""dbt dies with the refresh that started it, and a warehouse lock error names the process holding the file."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assets.features.dbt_process import PARENT_VARIABLE, launcher, remove_run_targets
from assets.publish.lock import WarehouseLocked
from orchestration.resources import Warehouse

PARENT = textwrap.dedent(
    """
    # start the child given on the command line, print its pid, then wait to be killed
    import os, subprocess, sys, time
    os.environ[sys.argv[1]] = str(os.getpid())
    child = subprocess.Popen(sys.argv[2:])
    print(child.pid, flush=True)
    time.sleep(120)
    """
)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def child_after_parent_killed(command: list[str]) -> bool:
    """Start ``command`` from a parent process, SIGKILL only the parent: is the child still running?"""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, PARENT_VARIABLE, *command], stdout=subprocess.PIPE, text=True
    )
    child = int(parent.stdout.readline())
    time.sleep(0.5)  # the launcher has asked for its death signal and become the command
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    still = alive(child)
    if still:
        os.kill(child, signal.SIGKILL)  # our own child's child: end it ourselves
    return still


def test_a_plain_child_outlives_its_killed_parent():
    """The defect: dagster-dbt's plain Popen leaves dbt running when the refresh is SIGKILLed."""
    assert child_after_parent_killed(["sleep", "60"])


def test_a_child_started_through_the_launcher_dies_with_its_parent(tmp_path):
    started = launcher(tmp_path, executable="/bin/sleep")
    assert not child_after_parent_killed([str(started), "60"])


def test_the_launcher_runs_the_command_with_its_arguments(tmp_path):
    echo = launcher(tmp_path, executable="/bin/echo")
    done = subprocess.run([str(echo), "dbt", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == "dbt --version\n"


def test_the_per_run_target_folders_dagster_dbt_leaves_are_removed(tmp_path):
    for name in ("customer_features_dbt-1a2b3c4-uuid", "customer_features_dbt-5d6e7f8-uuid"):
        (tmp_path / name).mkdir()
    (tmp_path / "manifest.json").write_text("{}")
    assert len(remove_run_targets(tmp_path)) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_warehouse_lock_error_names_the_process_holding_it(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLocked) as raised, Warehouse(path=str(warehouse)).connect():
            pass
    finally:
        holder.kill()
        holder.wait()
    message = str(raised.value)
    assert f"process {holder.pid} ({sys.executable} -c import duckdb" in message
    assert f"kill {holder.pid}" in message and "Conflicting lock" in message
