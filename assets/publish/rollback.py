"""Roll the published version back to the one it replaced, and describe what is published."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from assets.publish.log import Attempt, next_version, read_log, record
from assets.publish.store import PUBLICATION_TABLE, PublishedStore, open_published


class NothingToRollBack(RuntimeError):
    """No earlier published version is left to switch back to."""


def previous_published(store: PublishedStore) -> int:
    """The version the current one replaced, as its own ``publication`` row records it.

    Following that link (rather than the newest older version in the log) means a version that
    was itself rolled back never comes back, and a version whose refresh was killed before its
    switch is never chosen: only a version analysts saw can have been replaced.
    """
    current = store.current_version()
    if current is None:
        raise NothingToRollBack(f"nothing is published in {store.root} yet")
    previous = store.replaced_version()
    if previous is None:
        raise NothingToRollBack(f"version {current} is the first published version; there is nothing before it")
    if previous not in store.versions():
        raise NothingToRollBack(
            f"version {current} replaced version {previous}, whose file {store.version_file(previous)} is no "
            "longer kept (old versions are pruned after each publication: Publication.keep_versions)"
        )
    return previous


def roll_back(store: PublishedStore) -> tuple[int, int]:
    """Switch analysts back to the version the current one replaced and log it; (from version, to version).

    The caller holds the refresh lock. The version rolled back from keeps its file, so it can
    be inspected; the next refresh builds its history on the version now published.
    """
    current = store.current_version()
    target = previous_published(store)
    attempt = Attempt(version=next_version(store.log_file, store.versions()), action="rollback")
    store.switch_to(target)
    attempt.status, attempt.published, attempt.published_version = "rolled_back", True, target
    attempt.finished_at = datetime.now(UTC)
    attempt.message = f"rolled back from version {current} to version {target}"
    record(store.log_file, attempt)
    return int(current or 0), target


@dataclass(frozen=True)
class Status:
    version: int | None
    published_at: datetime | None
    last_attempt: dict | None
    refresh_running: bool

    def lines(self, now: datetime | None = None) -> list[str]:
        now = now or datetime.now(UTC)
        if self.version is None or self.published_at is None:
            lines = ["Published version: none yet (run `segments refresh`)."]
        else:
            published_at = self.published_at.astimezone(UTC)
            lines = [
                f"Published version: {self.version}, published {published_at:%Y-%m-%d %H:%M:%S} UTC "
                f"({age(now - published_at)} ago)"
            ]
        attempt = self.last_attempt
        if attempt is None:
            lines.append("Last attempt: none")
        else:
            finished = attempt["finished_at"]
            ended = f"finished {finished:%Y-%m-%d %H:%M:%S} UTC" if finished else "not finished"
            lines.append(
                f"Last attempt: version {attempt['version']} ({attempt['action']}), {attempt['status']}, "
                f"started {attempt['started_at']:%Y-%m-%d %H:%M:%S} UTC, {ended}"
            )
            if attempt["failed_checks"]:
                lines.append(f"  failed checks: {', '.join(attempt['failed_checks'])}")
            if attempt["warnings"]:
                lines.append(f"  warnings: {', '.join(attempt['warnings'])}")
            if attempt["message"] and attempt["status"] != "published":
                lines.append(f"  {attempt['message'][:500]}")
        lines.append("A refresh or rollback is running now." if self.refresh_running else "No refresh is running.")
        return lines


def status(store: PublishedStore, refresh_running: bool) -> Status:
    version, published_at = None, None
    if store.current.exists():
        with open_published(store.current) as con:
            version, published_at = con.execute(
                f"select version, published_at from published.{PUBLICATION_TABLE}"
            ).fetchone()
    log = read_log(store.log_file)
    last = log.sort("started_at").tail(1).to_dicts()
    return Status(version, published_at, last[0] if last else None, refresh_running)


def age(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
