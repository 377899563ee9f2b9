"""One refresh (or rollback) at a time per warehouse, across processes.

A Dagster pool serialises steps inside one Dagster instance, but every `segments refresh` runs
in process with its own instance, so two CLI processes would not see each other's pools. An
advisory ``flock`` on a file beside the published versions covers them: the kernel drops it
when its holder exits, even on SIGKILL, so a killed refresh never leaves a stale lock behind.
"""

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

PROBE_RETRIES = 20


class RefreshLocked(RuntimeError):
    """Another process is refreshing or rolling back the same warehouse."""


@contextmanager
def refresh_lock(lock_file: Path, *, wait: bool = False, purpose: str = "refresh") -> Iterator[None]:
    """Hold the warehouse's refresh lock; refuse at once, or with ``wait`` block until it is free."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _acquire(fd, wait):
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise RefreshLocked(
                f"Another refresh or rollback of this warehouse is running ({holder}); "
                f"wait for it to finish, or pass --wait to queue behind it. Lock file: {lock_file}"
            ) from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"{purpose} by pid {os.getpid()} since {started}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, wait: bool) -> bool:
    """Take the lock; without ``wait``, give up after a moment (a `segments status` probe holds it only briefly)."""
    if wait:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True
    for _ in range(PROBE_RETRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            time.sleep(0.05)
    return False


def is_locked(lock_file: Path) -> bool:
    """Whether a refresh or rollback holds the lock now (probes with a shared lock, writes nothing)."""
    if not lock_file.exists():
        return False
    fd = os.open(lock_file, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


class WarehouseLocked(RuntimeError):
    """Another process holds the DuckDB file's own lock; the message names it."""


_PID_IN_LOCK_ERROR = re.compile(r"\(PID (\d+)\)")


def process_command(pid: int) -> str | None:
    """The command line of a running process, from /proc; None when it is gone or not visible."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    return " ".join(words) or None


def explain_lock_error(path: Path, error: Exception) -> WarehouseLocked | None:
    """For DuckDB's ``Could not set lock on file ... Conflicting lock is held in ... (PID n)``: the same
    error naming the command of process n and what to do; None for any other error.
    """
    text = str(error)
    if "Conflicting lock" not in text:
        return None
    found = _PID_IN_LOCK_ERROR.search(text)
    pid = int(found.group(1)) if found else None
    command = process_command(pid) if pid is not None else None
    holder = f"process {pid}" if pid is not None else "another process"
    if command:
        holder += f" ({command[:300]})"
    return WarehouseLocked(
        f"{path} is held by {holder}: DuckDB lets one process write a file. If that is a finished or "
        f"orphaned run, stop it (kill {pid if pid is not None else '<pid>'}); if it is a refresh, wait for "
        f"it. DuckDB said: {text.splitlines()[0][:300]}"
    )
