"""The feeds configuration of the sample landing folder, written beside the feeds it describes.

`segments refresh --config <landing>/feeds.yaml` reads the sample exactly as the default layout
does, and the file is a starting point for a configuration of one's own exports.
"""

from pathlib import Path

import yaml

from assets.ingest.feeds import LAYOUT_FEEDS

CONFIG_FILE = "feeds.yaml"
TIMESTAMP_FORMATS = ["%Y-%m-%d %H:%M:%S"]
DATE_FORMATS = ["%Y-%m-%d"]


def sample_feeds_config() -> dict:
    """The generator's layout: one folder of headed UTF-8 CSV files per feed, columns named as the fields."""
    return {
        "landing": ".",
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
        "# (see the README, section Feeds). Use it with `segments refresh --config <this file>`.\n"
    )
    path.write_text(header + yaml.safe_dump(sample_feeds_config(), sort_keys=False), encoding="utf-8")
    return path
