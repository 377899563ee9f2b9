"""Which landed files a feed has, which of them are settled, and which lead outside the feed's folder.

- A feed's glob also matches its compressed files: `*.csv` lists `a.csv`, `a.csv.gz` and `a.csv.zip`
  (for the text formats csv, whitespace and jsonl).
- A file loads once its size and modification time have been still for the feed's `settle_seconds`:
  a file modified more recently is watched for the rest of the interval, and one that changes
  meanwhile is still being written: it is skipped and reported, and the next refresh takes it.
- A symbolic link whose target lies outside the feed's folder is refused (recorded as `failed`):
  the landing folder is what the pipeline loads, and a link could make it read any file the
  process can read.
"""

import os
import time
from collections.abc import Callable
from pathlib import Path

from assets.ingest.config import FeedSource
from assets.ingest.unpacking import COMPRESSED_SUFFIXES

TEXT_FORMATS = ("csv", "whitespace", "jsonl")


def landed_files(source: FeedSource) -> list[Path]:
    """The feed's files, in name order; hidden and ``_``-prefixed files are not feeds."""
    if not source.folder.is_dir():
        raise FileNotFoundError(
            f"{source.folder}: no such folder; the {source.feed.name} feed is read from {source.folder}/{source.glob} "
            "(run `segments generate` for sample data)"
        )
    patterns = [source.glob]
    if source.format in TEXT_FORMATS:
        patterns += [source.glob + suffix for suffix in COMPRESSED_SUFFIXES]
    found = {p for pattern in patterns for p in source.folder.glob(pattern)}
    return sorted(p for p in found if p.is_file() and not p.name.startswith(("_", ".")))


def outside_folder(path: Path, folder: Path) -> str | None:
    """Why a path must not be read: a link (or a linked folder) leading out of the feed's folder; else None."""
    target = path.resolve()
    if target.is_relative_to(folder.resolve()):
        return None
    return (
        f"{path}: a symbolic link to a file outside the feed's folder {folder}; links leading out of the "
        "landing folder are not followed: copy or move the file into the folder instead"
    )


def unsettled_files(
    paths: list[Path],
    seconds: float,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> list[Path]:
    """The paths modified within the last `seconds` that changed again while watched for the rest of it.

    Only files modified recently are watched, all at once, so a folder of settled files costs no wait.
    """
    if seconds <= 0:
        return []
    first = {path: _signature(path) for path in paths}
    now = (clock or time.time)()
    remaining = {path: seconds - (now - mtime / 1e9) for path, (_, mtime) in first.items()}
    young = [path for path, left in remaining.items() if left > 0]
    if not young:
        return []
    (sleep or time.sleep)(min(seconds, max(remaining[path] for path in young)))
    return [path for path in young if _signature(path) != first[path]]


def _signature(path: Path) -> tuple[int, int]:
    """Size and modification time in nanoseconds; a file gone meanwhile has neither."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)
