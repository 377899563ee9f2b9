"""Time a whole refresh at a given size: sample generation, then each pipeline step.

    uv run python bench/refresh.py --customers 100000

Prints the wall time of generation and of every step of the refresh (from Dagster's step
events) and the peak resident memory of this process and of its children (dbt runs as a
subprocess). Work happens in a temporary folder unless --workdir is given.
"""

import argparse
import contextlib
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import dagster as dg

from orchestration.refresh import failures, run_refresh
from sample_data import generate_feeds


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall seconds per step, from its STEP_START to its STEP_SUCCESS or STEP_FAILURE event."""
    started: dict[str, float] = {}
    durations: dict[str, float] = defaultdict(float)
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            durations[event.step_key] += entry.timestamp - started.pop(event.step_key)
    return dict(durations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the landing folder and warehouse here")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="segments-bench-"))
    landing, warehouse = workdir / "landing", workdir / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)

    began = time.perf_counter()
    summary = generate_feeds(landing, customers=args.customers, seed=args.seed, progress=False, overwrite=True)
    generate_s = time.perf_counter() - began

    began = time.perf_counter()
    instance = dg.DagsterInstance.ephemeral()
    # dbt's progress lines would bury the figures: keep them in the work folder
    with (workdir / "dbt.log").open("w") as log, contextlib.redirect_stdout(log):
        result = run_refresh(warehouse, landing, instance=instance)
    refresh_s = time.perf_counter() - began
    if not result.success:
        print("refresh failed:", *failures(result), sep="\n  ", file=sys.stderr)
        return 1

    steps = step_seconds(instance, result.run_id)
    width = max(len(step) for step in steps) + 4
    print(f"customers {summary.customers:,}  purchase lines {summary.purchase_lines:,}  workdir {workdir}")
    print(f"{'stage':<{width}}{'seconds':>10}")
    print(f"{'generate sample feeds':<{width}}{generate_s:>10.1f}")
    for step, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"  {step:<{width - 2}}{seconds:>10.1f}")
    print(f"{'refresh (whole run, in process)':<{width}}{refresh_s:>10.1f}")
    print(
        f"peak RSS: this process {peak_rss_mb(resource.RUSAGE_SELF):,.0f} MB, "
        f"largest child (dbt) {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
