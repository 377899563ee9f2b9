"""Load throughput: purchase lines per second, and the cost of many small files.

    uv run python bench/load.py --lines 10000000
    uv run python bench/load.py --files 10000

`--lines N` writes N synthetic purchase lines (DuckDB, in a temporary folder) as one CSV and one
Parquet file, then times the manifest-driven load of each (read, validate, deduplicate, insert,
manifest) into its own new warehouse, and a second load of the same folder (which only checks the
manifest). `--files N` writes N small CSV files of a few lines each and times their first load and
a no-op reload: both must grow linearly with the number of files.
"""

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

from assets.ingest.config import FeedSource
from assets.ingest.feeds import PURCHASES
from assets.ingest.loading import load_feed

LINES_SQL = """
select
    'O' || lpad(cast(i // 3 as varchar), 9, '0') as order_id,
    'C' || lpad(cast(hash(i // 3) % 1000000 as varchar), 7, '0') as customer_id,
    timestamp '2024-01-01' + to_seconds(cast(hash(i // 3) % 63072000 as bigint)) as ordered_at,
    'P' || lpad(cast(i % 5000 as varchar), 5, '0') as product_id,
    ['home', 'garden', 'toys', 'books', 'grocery'][1 + i % 5] as category,
    1 + i % 4 as quantity,
    round(1 + (hash(i) % 10000) / 100.0, 2) as unit_price,
    ['web', 'app', 'store', 'phone'][1 + i % 4] as channel
from range({lines}) as lines(i)
"""


def write_lines(folder: Path, lines: int) -> None:
    """One CSV and one Parquet file of `lines` order lines (three lines per order)."""
    for fmt in ("csv", "parquet"):
        (folder / fmt).mkdir()
    con = duckdb.connect()
    try:
        con.execute(f"create table lines as {LINES_SQL.format(lines=int(lines))}")
        con.execute(f"copy lines to '{folder / 'csv' / 'purchases.csv'}' (header, timestampformat '%Y-%m-%d %H:%M:%S')")
        con.execute(f"copy lines to '{folder / 'parquet' / 'purchases.parquet'}' (format parquet)")
    finally:
        con.close()


def write_small_files(folder: Path, files: int, lines_per_file: int = 3) -> None:
    """`files` CSV files of `lines_per_file` distinct order lines each."""
    header = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"
    for n in range(files):
        body = "".join(
            f"O{n:06d}-{i},C{n % 5000:05d},2025-01-01 10:00:00,P{i},home,1,{1 + i}.50,web\n"
            for i in range(lines_per_file)
        )
        (folder / f"purchases_{n:06d}.csv").write_text(header + body, encoding="utf-8")


def time_load(folder: Path, source: FeedSource) -> tuple[float, int, float]:
    """Seconds of the first load, rows loaded, and seconds of a second load of the same folder."""
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    try:
        started = time.perf_counter()
        load = load_feed(con, source, now=datetime.now())
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = load_feed(con, source, now=datetime.now())
        second = time.perf_counter() - started
        if again.outcomes:
            raise RuntimeError(f"the second load of the same folder loaded {again.outcomes}")
        return first, load.total("rows_loaded"), second
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000, help="purchase lines to load (default 10,000,000)")
    parser.add_argument("--files", type=int, help="instead: time loading this many small CSV files, then reloading")
    args = parser.parse_args()
    if args.files:
        bench_files(args.files)
        return
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_lines(folder, args.lines)
        print(f"wrote {args.lines:,} purchase lines as CSV and Parquet in {time.perf_counter() - started:.1f} s")
        for fmt, glob in (("csv", "*.csv"), ("parquet", "*.parquet")):
            source = FeedSource(PURCHASES, folder / fmt, glob=glob, format=fmt, header=True)
            size = sum(p.stat().st_size for p in (folder / fmt).glob(glob))
            seconds, rows, again = time_load(folder / fmt, source)
            print(
                f"{fmt:8} {rows:>12,} rows loaded in {seconds:6.1f} s = {rows / seconds:>10,.0f} rows/s "
                f"({size / 1e6:,.0f} MB); loading the same folder again: {again:.2f} s"
            )


def bench_files(files: int) -> None:
    """Print the first load and the no-op reload time of `files` small CSV files."""
    with tempfile.TemporaryDirectory(prefix="bench-load-files-") as tmp:
        folder = Path(tmp) / "purchases"
        folder.mkdir()
        started = time.perf_counter()
        write_small_files(folder, files)
        print(f"wrote {files:,} small CSV files in {time.perf_counter() - started:.1f} s")
        source = FeedSource(PURCHASES, folder, glob="*.csv", format="csv", header=True)
        first, rows, again = time_load(Path(tmp), source)
        print(
            f"{files:,} files ({rows:,} rows): first load {first:.1f} s ({files / first:,.0f} files/s); "
            f"no-op reload {again:.2f} s"
        )


if __name__ == "__main__":
    main()
