"""Bound what refreshes leave on disk: leftovers of killed attempts, old logs, unreferenced files.

Each refresh used to leave something behind for good: ``versions/*.partial`` and
``exports/v*.partial`` of attempts killed while writing, Data Docs of versions long pruned,
history files of versions never published, one log file per refresh. ``tidy`` removes what no
kept version, published version or recent attempt refers to. It runs under the refresh lock,
so nothing it removes is being written.
"""

import re
import shutil
from pathlib import Path

from assets.publish.history_files import HISTORY_FILE, READABLE_FOLDER, history_dir
from assets.publish.log import read_log
from assets.publish.store import PublishedStore

VERSION_FOLDER = re.compile(r"^v(\d{6,})$")
KEEP_REFRESH_LOGS = 20
"""`logs/refresh-<time>.log` files kept beside the warehouse (newest by name, which is the time)."""


def published_versions(store: PublishedStore) -> set[int]:
    """Versions analysts have been switched to at some time (refreshes that published), and the current one."""
    log = read_log(store.log_file)
    published = set(log.filter(log["published"].fill_null(False))["published_version"].drop_nulls().to_list())
    current = store.current_version()
    return published | ({current} if current is not None else set())


def tidy(store: PublishedStore, logs_dir: Path | None = None, *, keep_logs: int = KEEP_REFRESH_LOGS) -> list[Path]:
    """Remove leftovers (see the module docstring); the paths removed."""
    removed: list[Path] = []
    kept = set(store.versions())
    oldest_kept = min(kept, default=0)
    for folder in (store.versions_dir, store.exports_dir, history_dir(store)):
        if folder.is_dir():
            removed += [_remove(p) for p in folder.iterdir() if ".partial" in p.name]
    staged = store.root / f".{store.current.name}.switching"  # a switch killed before its rename
    if staged.exists():
        removed.append(_remove(staged))
    if store.exports_dir.is_dir():
        removed += [_remove(p) for p in _version_folders(store.exports_dir) if _number(p) not in kept]
    if store.data_docs_dir.is_dir():
        # Data Docs of failed attempts explain the failure: kept while newer than the oldest kept version
        removed += [_remove(p) for p in _version_folders(store.data_docs_dir) if _number(p) < oldest_kept]
    keep_history = kept | published_versions(store)
    if history_dir(store).is_dir():
        for path in history_dir(store).iterdir():
            found = HISTORY_FILE.match(path.name)
            if found and int(found.group(2)) not in keep_history:
                removed.append(_remove(path))
    if logs_dir is not None and logs_dir.is_dir():
        logs = sorted(logs_dir.glob("refresh-*.log"))
        removed += [_remove(p) for p in logs[: max(len(logs) - keep_logs, 0)]]
    return removed


def _version_folders(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if p.is_dir() and VERSION_FOLDER.match(p.name)]


def _number(folder: Path) -> int:
    return int(VERSION_FOLDER.match(folder.name).group(1))


def _remove(path: Path) -> Path:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    return path


def share_data_docs(store: PublishedStore, version: int) -> None:
    """Make a version's Data Docs readable by analysts (a refresh writes with an owner-only umask).

    They describe the checked tables' values, never contact data (those stay in `raw.*`).
    """
    folder = store.data_docs_dir / f"v{version:06d}"
    if not folder.is_dir():
        return
    for parent in (store.data_docs_dir, folder, *(p for p in folder.rglob("*") if p.is_dir())):
        parent.chmod(READABLE_FOLDER)
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
