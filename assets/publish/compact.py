"""Keep the warehouse file from growing without bound: rewrite it when most of it is free space.

Every refresh replaces the dbt marts, the candidates and the warehouse's copy of the published
version. DuckDB reuses the blocks they free, but not perfectly: the file creeps up by a few
256 KiB blocks a refresh and never shrinks (DuckDB's "reclaiming space" guide: copy the
database to a new file). So at the end of a refresh, once free blocks pass ``MAX_FREE_SHARE``
of the file, the warehouse is copied (``COPY FROM DATABASE``) into a new file that is renamed
over it. The caller holds the refresh lock; analysts never open the warehouse.
"""

import os
from pathlib import Path

import duckdb

MAX_FREE_SHARE = 0.5


def free_share(con: duckdb.DuckDBPyConnection) -> float:
    """Share of the database file's blocks that are free (0 for an empty file)."""
    total, free = con.execute("select total_blocks, free_blocks from pragma_database_size()").fetchone()
    return free / total if total else 0.0


def compact_if_mostly_free(warehouse: Path, *, max_free_share: float = MAX_FREE_SHARE) -> bool:
    """Rewrite ``warehouse`` without its free blocks if more than ``max_free_share`` is free; whether it did."""
    if not warehouse.exists():
        return False
    compacted = warehouse.with_name(warehouse.name + ".compacting")
    for leftover in (compacted, compacted.with_name(compacted.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("checkpoint")
        if free_share(con) <= max_free_share:
            return False
        name = con.execute("select current_database()").fetchone()[0]
        con.execute("attach ? as compacted", [str(compacted)])
        try:
            con.execute(f'copy from database "{name}" to compacted')
            con.execute("checkpoint compacted")
        finally:
            con.execute("detach compacted")
    finally:
        con.close()
    if warehouse.with_name(warehouse.name + ".wal").exists():
        compacted.unlink(missing_ok=True)  # changes not yet in the file itself: leave it as it is
        return False
    with open(compacted, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(compacted, warehouse)  # one rename: the old file or the compacted one, never half of either
    return True
