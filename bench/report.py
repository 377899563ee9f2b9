"""What the stakeholder report and the published assets' evidence cost at a publication.

    uv run python bench/report.py --published data/warehouse-published/segments.duckdb --scale 100

Copies a published file (the demo's by default) into a temporary one with every per-customer
table repeated ``--scale`` times under new customer ids (500 x the demo's 2,000 customers =
1,000,000 customers and 17,000,000 history rows), then times what each publication adds: the
report page (`assets/report/`) and the column schema and preview of every published table
(`assets/publish/evidence.py`).
"""

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from assets.publish.assets import DERIVED_TABLES, PUBLISHED_TABLES
from assets.publish.evidence import published_evidence
from assets.report.write import write_report

PER_CUSTOMER = ("customer_segments", "customer_clv", "segment_history")


def scaled_copy(published: Path, target: Path, scale: int) -> dict[str, int]:
    """Rows per table of a copy of ``published`` with its per-customer tables repeated ``scale`` times."""
    con = duckdb.connect(str(target))
    try:
        con.execute("attach ? as source (read_only)", [str(published)])
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'source' order by all"
            ).fetchall()
        ]
        for table in tables:
            query = f"select * from source.main.{table}"
            if table in PER_CUSTOMER:
                query = (
                    f"select * replace (customer_id || '-' || r.range as customer_id) "
                    f"from source.main.{table}, range({int(scale)}) r"
                )
            con.execute(f"create table {table} as {query}")
        return {t: int(con.execute(f"select count(*) from {t}").fetchall()[0][0]) for t in tables}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, default=Path("data/warehouse-published/segments.duckdb"))
    parser.add_argument("--scale", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "segments.duckdb"
        rows = scaled_copy(args.published, copy, args.scale)
        print(f"customers: {rows['customer_segments']:,}; segment_history rows: {rows['segment_history']:,}")
        started = time.perf_counter()
        write_report(copy, Path(folder) / "report.html")
        print(f"report page: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        published_evidence(copy, [*PUBLISHED_TABLES, *DERIVED_TABLES])
        print(
            f"column schema and preview of {len(PUBLISHED_TABLES) + len(DERIVED_TABLES)} tables: "
            f"{time.perf_counter() - started:.2f} s"
        )


if __name__ == "__main__":
    main()
