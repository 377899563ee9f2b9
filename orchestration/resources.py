"""Resources: where the warehouse and the landing folder are.

Paths are plain settings with defaults under ``data/`` (git-ignored). The ``segments`` CLI
passes explicit paths; in ``dagster dev`` they can be changed in the launchpad.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from assets.ingest.config import PipelineConfig, default_config, load_config

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
        con = duckdb.connect(str(self.file), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class Landing(dg.ConfigurableResource):
    """Where the feeds land: a folder with one sub-folder per feed, or a feeds configuration file."""

    path: str = DEFAULT_LANDING
    config_file: str | None = None
    """A feeds YAML file (formats, column mappings, folders relative to its `landing` key); overrides `path`."""

    @property
    def folder(self) -> Path:
        return Path(self.path).expanduser().resolve()

    def pipeline_config(self) -> PipelineConfig:
        """The feeds to read: from the configuration file, else the generator's layout under `path`."""
        if self.config_file:
            return load_config(Path(self.config_file).expanduser())
        return default_config(self.folder)
