"""Where and how the generator writes: feed folders, CSV layout, and the landing-folder guard.

The guard exists because the landing folder is the pipeline's input: silently mixing a new sample
with an old one would load both, so existing feed files are refused unless the caller asks for
them to be replaced, and then only the folders the generator itself writes are removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

FEED_FOLDERS: tuple[str, ...] = ("purchases", "signups", "surveys", "campaign_responses")
TRUTH_FOLDER = "_truth"
OWNED_FOLDERS: tuple[str, ...] = (*FEED_FOLDERS, TRUTH_FOLDER)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def feed_file(landing_dir: Path, feed: str, chunk: int) -> Path:
    """`<landing>/<feed>/<feed>_00001.csv` for the first chunk, and so on."""
    return landing_dir / feed / f"{feed}_{chunk + 1:05d}.csv"


def existing_files(landing_dir: Path) -> dict[str, int]:
    """Files already present per folder the generator writes (folders without files left out)."""
    found = {}
    for folder in OWNED_FOLDERS:
        path = landing_dir / folder
        if path.is_dir():
            count = sum(1 for item in path.rglob("*") if item.is_file())
            if count:
                found[folder] = count
    return found


def prepare_landing(landing_dir: Path, *, overwrite: bool) -> None:
    """Create the feed folders; refuse, or with `overwrite` clear, folders that already hold files."""
    if landing_dir.exists() and not landing_dir.is_dir():
        raise ValueError(f"landing folder {landing_dir} exists but is not a folder")
    found = existing_files(landing_dir)
    if found and not overwrite:
        listing = ", ".join(f"{folder}/ ({count} file{'s' * (count != 1)})" for folder, count in found.items())
        raise ValueError(
            f"landing folder {landing_dir} already holds files in {listing}; delete them, "
            "or pass overwrite=True (--overwrite) to replace these folders"
        )
    for folder in OWNED_FOLDERS:
        path = landing_dir / folder
        if overwrite and path.is_dir():
            shutil.rmtree(path)
        elif overwrite and path.exists():
            path.unlink()
        path.mkdir(parents=True, exist_ok=True)


def write_csv(frame: pl.DataFrame, path: Path) -> Path:
    """Write a feed file as a shop would export it: header, commas, ISO dates, prices in cents."""
    frame.write_csv(path, datetime_format=TIMESTAMP_FORMAT, date_format=DATE_FORMAT, float_precision=2)
    return path
