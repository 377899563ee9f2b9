"""dbt runs as a child that dies with the refresh, and keeps its artifacts in one folder per warehouse.

dagster-dbt starts dbt with a plain ``subprocess.Popen`` (no ``preexec_fn``), so a refresh
killed with SIGKILL used to leave dbt running: it kept the warehouse's DuckDB lock (the next
refresh failed with ``Conflicting lock``) and went on writing marts after a newer version was
published. The only hook dagster-dbt offers is the executable it starts, so that executable is a
small launcher: it asks Linux for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
which survives ``exec``), checks that the parent is still the one that started it (it may have
died before the request), and then becomes dbt.

dagster-dbt also gives every invocation a fresh ``target/<op>-<run>-<uuid>`` folder (manifest,
run results, compiled SQL, partial parse, logs: several MB a refresh, never removed). A refresh
holds its warehouse's refresh lock, so one target folder per warehouse, beside it, is reused.
"""

import os
import shutil
import sys
from pathlib import Path

PARENT_VARIABLE = "SEGMENTS_DBT_PARENT_PID"
"""Set to the refresh's pid when dbt is started; the launcher refuses to run if its parent differs."""
LAUNCHER_NAME = "dbt-dying-with-parent"
RUN_TARGET_PREFIX = "customer_features_dbt-"
"""dagster-dbt's per-invocation folders under ``dbt_project/target`` (``<op name>-<run id>-<uuid>``)."""

LAUNCHER = '''#!{python}
"""Run dbt so that it is killed when the process that started it dies (see assets/features/dbt_process.py)."""
import ctypes, os, signal, sys

PR_SET_PDEATHSIG = 1
prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only; elsewhere dbt runs unguarded
if prctl is not None and prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
    sys.exit("cannot ask to die with the parent process: errno %d" % ctypes.get_errno())
expected = os.environ.get("{variable}")
if expected and os.getppid() != int(expected):
    sys.exit("the process that started dbt (pid %s) is gone; not running dbt" % expected)
os.execv({dbt!r}, [{dbt!r}, *sys.argv[1:]])
'''


def real_dbt() -> str:
    """The dbt executable of this environment (beside the Python running us, else on PATH)."""
    beside = Path(sys.executable).parent / "dbt"
    found = str(beside) if beside.exists() else shutil.which("dbt")
    if not found:
        raise FileNotFoundError(f"no dbt executable beside {sys.executable} or on PATH")
    return found


def launcher(folder: Path, executable: str | None = None) -> Path:
    """The launcher of ``executable`` (default dbt) in ``folder``, (re)written when missing or different."""
    text = LAUNCHER.format(python=sys.executable, variable=PARENT_VARIABLE, dbt=executable or real_dbt())
    path = folder / LAUNCHER_NAME
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.chmod(0o700)
        os.replace(partial, path)
    return path


def target_folder(warehouse: Path) -> Path:
    """dbt's target folder for this warehouse: ``data/warehouse.duckdb`` -> ``data/warehouse-dbt-target/``."""
    warehouse = Path(warehouse).resolve()
    return warehouse.parent / f"{warehouse.stem}-dbt-target"


def remove_run_targets(dbt_target: Path) -> list[Path]:
    """Delete the per-invocation folders earlier refreshes left in the project's ``target``; those removed."""
    if not dbt_target.is_dir():
        return []
    doomed = [p for p in dbt_target.iterdir() if p.is_dir() and p.name.startswith(RUN_TARGET_PREFIX)]
    for folder in doomed:
        shutil.rmtree(folder, ignore_errors=True)
    return doomed
