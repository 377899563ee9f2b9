"""The feeds configuration of the sample landing folder, written beside the feeds it describes.

`segments refresh --config <landing>/feeds.yaml` reads the sample exactly as the default layout
does, and the file is a starting point for a configuration of one's own exports.
"""

from pathlib import Path

import yaml

from assets.ingest.feeds import LAYOUT_FEEDS

CONFIG_FILE = "feeds.yaml"
MAPPING_HINT = """\
# Your own exports: map each field with `columns` (a header name, a 1-based position or a list of
# alternative names), `derive` (a DuckDB expression over the file's columns), `values` (a value map),
# `unpivot` (wide to long) and `currency`; top-level `reporting_currency`, `currency_rates`,
# `vocabularies` and `survey_codebook`. `docs/feeds.md`, section Feeds, describes each key.
"""


class _PlainDumper(yaml.SafeDumper):
    """Writes every value where it is used: no `&id001` anchors a user would have to untangle."""

    def ignore_aliases(self, data: object) -> bool:
        return True


TIMESTAMP_FORMATS = ["%Y-%m-%d %H:%M:%S"]
DATE_FORMATS = ["%Y-%m-%d"]


def sample_feeds_config() -> dict:
    """The generator's layout: one folder of headed UTF-8 CSV files per feed, columns named as the fields."""
    return {
        "landing": ".",
        "reporting_currency": "USD",
        "feeds": {
            feed.name: {
                "folder": feed.name,
                "glob": "*.csv",
                "format": "csv",
                "delimiter": ",",
                "encoding": "utf-8",
                "header": True,
                "timestamp_formats": TIMESTAMP_FORMATS,
                "date_formats": DATE_FORMATS,
            }
            for feed in LAYOUT_FEEDS
        },
    }


def write_feeds_config(landing_dir: Path, *, customers: int, seed: int) -> Path:
    """Write `feeds.yaml` into the landing folder and return its path; the header names the generation."""
    path = Path(landing_dir) / CONFIG_FILE
    header = (
        f"# Written by `segments generate --customers {customers} --seed {seed}`: the sample feeds' layout\n"
        "# (see docs/feeds.md, section Feeds). Use it with `segments refresh --config <this file>`.\n"
    )
    text = yaml.dump(sample_feeds_config(), Dumper=_PlainDumper, sort_keys=False)
    path.write_text(header + MAPPING_HINT + text, encoding="utf-8")
    return path
