"""Resources: where the warehouse and the landing folder are.

Paths are plain settings with defaults under ``data/`` (git-ignored). The ``segments`` CLI
passes explicit paths; in ``dagster dev`` they can be changed in the launchpad.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from assets.ingest.config import PipelineConfig, default_config, load_config
from assets.ingest.pii import private_umask
from assets.publish.lock import explain_lock_error
from assets.publish.store import DEFAULT_STORAGE_VERSION, PublishedStore

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_LANDING = "data/landing"


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file that every stage reads and writes."""

    path: str = DEFAULT_WAREHOUSE

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser().resolve()

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the warehouse; the connection is closed on exit so dbt can open the file next."""
        if not read_only:
            self.file.parent.mkdir(parents=True, exist_ok=True)
        try:
            with private_umask():  # a new warehouse holds contact data: owner-only from its first byte
                con = duckdb.connect(str(self.file), read_only=read_only)
        except duckdb.IOException as exc:
            explained = explain_lock_error(self.file, exc)
            if explained is None:
                raise
            raise explained from exc
        try:
            yield con
        finally:
            con.close()


class Landing(dg.ConfigurableResource):
    """Where the feeds land: a folder with one sub-folder per feed, or a feeds configuration file."""

    path: str = DEFAULT_LANDING
    config_file: str | None = None
    """A feeds YAML file (formats, column mappings, folders relative to its `landing` key); overrides `path`."""
    path_overrides_config: bool = False
    """With a feeds file: its folders are relative to `path` instead of its `landing` key (`--landing` given)."""

    @property
    def folder(self) -> Path:
        return Path(self.path).expanduser().resolve()

    def pipeline_config(self) -> PipelineConfig:
        """The feeds to read: from the configuration file, else the generator's layout under `path`."""
        if self.config_file:
            root = self.folder if self.path_overrides_config else None
            return load_config(Path(self.config_file).expanduser(), landing=root)
        return default_config(self.folder)


class Publication(dg.ConfigurableResource):
    """Where and how checked candidates are published for analysts (see `assets/publish/store.py`)."""

    path: str = "data/warehouse-published"
    """Folder of published versions; analysts open `<path>/segments.duckdb` read-only."""
    version: int = 0
    """Version number of this refresh; 0 takes the next free one (the `segments` CLI sets it)."""
    storage_version: str = DEFAULT_STORAGE_VERSION
    """DuckDB storage format of published files: v1.0.0 opens in DuckDB 1.0 and later."""
    audiences: list[str] = Field(default_factory=lambda: ["rfm_segment"])
    """Segments exported as audience files: a kind (all its segments) or `kind:segment`."""
    drift_warn_share_change: float = 0.05
    """A segment's share moving more than this (0.05 = 5 points) since the last publication warns."""
    drift_block_share_change: float = 0.25
    """A segment's share moving more than this blocks publication."""
    keep_versions: int = 10
    """Published version files kept for rollback; older ones are deleted after each publication."""

    @property
    def store(self) -> PublishedStore:
        return PublishedStore(Path(self.path).expanduser().resolve())
