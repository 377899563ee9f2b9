"""Coverage of a customer-grain table against the features: every customer once, nobody else."""

from dataclasses import dataclass
from typing import Any

import duckdb

from assets.warehouse import table_ref

SAMPLE_IDS = 10
FEATURES = "marts.dim_customer_features"


@dataclass(frozen=True)
class Coverage:
    missing: int
    extra: int
    duplicated: int
    samples: dict[str, list[str]]

    @property
    def passed(self) -> bool:
        return self.missing == 0 and self.extra == 0 and self.duplicated == 0

    def metadata(self) -> dict[str, Any]:
        return {
            "customers_missing": self.missing,
            "customers_not_in_features": self.extra,
            "customers_with_several_rows": self.duplicated,
            "sample_customer_ids": {k: v for k, v in self.samples.items() if v},
        }


def customer_coverage(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> Coverage:
    """Compare ``schema.table``'s customer_id with the features', with a few offending ids of each kind."""
    ref = table_ref(schema, table)
    queries = {
        "missing": f"select customer_id from {FEATURES} anti join {ref} using (customer_id)",
        "not_in_features": f"select customer_id from {ref} anti join {FEATURES} using (customer_id)",
        "several_rows": f"select customer_id from {ref} group by customer_id having count(*) > 1",
    }
    counts, samples = {}, {}
    for name, query in queries.items():
        counts[name] = con.execute(f"select count(*) from ({query})").fetchone()[0]
        rows = con.execute(f"select customer_id from ({query}) order by customer_id limit ?", [SAMPLE_IDS]).fetchall()
        samples[name] = [str(r[0]) for r in rows]
    return Coverage(counts["missing"], counts["not_in_features"], counts["several_rows"], samples)
