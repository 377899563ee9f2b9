"""Disk growth over repeated publications of unchanged data.

    uv run python bench/growth.py --customers 2000 --publications 30 --report-at 10

Generates the sample once, then runs that many refreshes of the same feeds, each publishing a
version, and prints after each report point the size of the published file, the warehouse, the
published folder (versions, history, exports, Data Docs, log), dbt's target folder, the refresh
logs and the whole data folder (landing excluded), with the number of version files kept. The
data should stop growing but for one history file per publication (the published assignments,
which are the history's point).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from assets.features.dbt import DBT_PROJECT_DIR
from assets.publish.history_files import history_dir
from assets.publish.store import PublishedStore
from orchestration.refresh import failures, run_refresh
from sample_data import generate_feeds


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def sizes(workdir: Path, warehouse: Path) -> dict[str, int]:
    """Bytes per part of the data folder (the landing folder excluded)."""
    store = PublishedStore.beside(warehouse)
    wal = warehouse.with_name(warehouse.name + ".wal")
    return {
        "published file": store.current.stat().st_size if store.current.exists() else 0,
        "warehouse": warehouse.stat().st_size + (wal.stat().st_size if wal.exists() else 0),
        "history files": folder_bytes(history_dir(store)),
        "published folder": folder_bytes(store.root),
        "dbt target (warehouse's)": folder_bytes(warehouse.parent / f"{warehouse.stem}-dbt-target"),
        "dbt_project/target": folder_bytes(DBT_PROJECT_DIR / "target"),
        "data folder": folder_bytes(workdir) - folder_bytes(workdir / "landing"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--publications", type=int, default=30)
    parser.add_argument("--report-at", type=int, nargs="*", default=[10])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="segments-growth-"))
    landing, warehouse = workdir / "landing", workdir / "warehouse.duckdb"
    generate_feeds(landing, customers=args.customers, seed=args.seed, progress=False, overwrite=True)
    store = PublishedStore.beside(warehouse)
    reports = {}
    for n in range(1, args.publications + 1):
        began = time.perf_counter()
        result = run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral())
        if not result.success:
            print("\n".join(failures(result)), file=sys.stderr)
            return 1
        print(f"publication {n}: version {store.current_version()} in {time.perf_counter() - began:.1f} s", flush=True)
        if n in args.report_at or n == args.publications:
            reports[n] = {**sizes(workdir, warehouse), "version files kept": len(store.versions())}
    print(f"\n{args.customers:,} customers, unchanged data; bytes after n publications ({workdir})")
    print(f"{'':28}" + "".join(f"{n:>14}" for n in reports))
    for part in next(iter(reports.values())):
        print(f"{part:28}" + "".join(f"{r[part]:>14,}" for r in reports.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
