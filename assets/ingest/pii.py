"""Contact details: normalised, then pseudonymised with a keyed hash (HMAC-SHA256) for matching.

A plain hash of an email address can be reversed by hashing guesses; an HMAC cannot without the
key. The key comes from the environment variable ``SEGMENTS_PII_KEY``. Without it, a refresh
outside production generates a random key once and keeps it in ``pii.key`` beside the warehouse
file (``data/pii.key`` for the demo), so hashes stay stable between refreshes; with
``SEGMENTS_ENV=production`` a missing key is an error instead.
"""

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import polars as pl

KEY_VARIABLE = "SEGMENTS_PII_KEY"
ENVIRONMENT_VARIABLE = "SEGMENTS_ENV"
LOCAL_KEY_FILE = "pii.key"
MIN_KEY_LENGTH = 32
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[0-9]{7,15}$"


class PiiKeyError(RuntimeError):
    """The pseudonymisation key is missing or too weak; the message says how to set it."""


def resolve_pii_key(warehouse_file: Path) -> tuple[bytes, str]:
    """The HMAC key and where it came from (the environment, or the local key file beside the warehouse)."""
    key = os.environ.get(KEY_VARIABLE)
    if key:
        if len(key) < MIN_KEY_LENGTH:
            raise PiiKeyError(
                f"{KEY_VARIABLE} is {len(key)} characters long; use at least {MIN_KEY_LENGTH} random characters, "
                "e.g. the output of `python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return key.encode(), f"environment variable {KEY_VARIABLE}"
    if os.environ.get(ENVIRONMENT_VARIABLE, "").lower() == "production":
        raise PiiKeyError(
            f"{KEY_VARIABLE} is not set: in production ({ENVIRONMENT_VARIABLE}=production) emails and phone "
            "numbers are only loaded with a key from the environment (at least 32 random characters)"
        )
    key_file = Path(warehouse_file).parent / LOCAL_KEY_FILE
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open_private(key_file, exclusive=True) as handle:
                handle.write((secrets.token_hex(32) + "\n").encode())
        except FileExistsError:
            pass  # another refresh made it first: use theirs
    return key_file.read_text(encoding="utf-8").strip().encode(), f"local key file {key_file}"


OWNER_ONLY = 0o600


def open_private(path: Path, *, exclusive: bool = False) -> BinaryIO:
    """Open ``path`` for writing, created with owner-only permissions (0600) from the first byte.

    A file created with the default mode and chmod-ed afterwards is readable by everyone in
    between; ``os.open`` with the mode (which the umask can only narrow) closes that window.
    ``exclusive`` refuses an existing file instead of truncating it.
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, OWNER_ONLY), "wb")


@contextmanager
def private_umask() -> Iterator[None]:
    """Files created meanwhile by this process (DuckDB's, polars') are owner-only from the start.

    For writers that take a path rather than a file handle. The umask is per process, so this is
    held only around writes of files holding contact data.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


MAX_MESSAGE_CHARS = 2_000
"""Longest message kept in logs, check metadata and the publish log; longer ones are cut, saying so."""
_EMAIL_IN_TEXT = re.compile(r"[^\s@'\"<>()\[\],;:]+@[^\s@'\"<>()\[\],;:]+")
_PHONE_IN_TEXT = re.compile(r"(?<![\w.])(?:\+|00)\d[\d ().\-/]{5,}\d")


def safe_message(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` fit to leave ``raw.*``: anything shaped like an email or an international phone number
    replaced by ``<email>`` / ``<phone>``, and at most ``limit`` characters.

    Messages name the file, line and field of a problem; contact values have no business in them.
    Quarantine reasons are written without contact values in the first place (see
    `assets.ingest.validation`); this is the last guard for text from elsewhere (a parser's
    message quoting the file, an exception).
    """
    cleaned = _PHONE_IN_TEXT.sub("<phone>", _EMAIL_IN_TEXT.sub("<email>", str(text)))
    if len(cleaned) <= limit:
        return cleaned
    # the note is sized for cutting everything, so it still fits when it reports fewer characters cut
    kept = limit - len(f" ... [{len(cleaned):,} more characters cut]")
    if kept <= 0:  # too short a limit for the note: cut without it
        return cleaned[:limit]
    return f"{cleaned[:kept]} ... [{len(cleaned) - kept:,} more characters cut]"


def normalised_email(text: pl.Expr) -> pl.Expr:
    """Lower case without surrounding spaces: `" Ann@Example.COM "` and `"ann@example.com"` match."""
    return text.str.strip_chars().str.to_lowercase()


def normalised_phone(text: pl.Expr) -> pl.Expr:
    """Digits with an optional leading `+` (`00` becomes `+`): `"(030) 123-4567"` is `"0301234567"`."""
    stripped = text.str.strip_chars().str.replace_all(r"[\s().\-/]", "")
    return pl.when(stripped.str.starts_with("00")).then(pl.lit("+") + stripped.str.slice(2)).otherwise(stripped)


def contact_problem(kind: str, normalised: pl.Expr) -> pl.Expr:
    """True where a normalised contact value is present but not an email address / phone number."""
    pattern = EMAIL_PATTERN if kind == "email" else PHONE_PATTERN
    return normalised.is_not_null() & (normalised != "") & ~normalised.str.contains(pattern)


def keyed_hash(values: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 (hex) of each non-empty value; null stays null."""
    return values.map_elements(
        lambda value: hmac.new(key, value.encode(), hashlib.sha256).hexdigest() if value else None,
        return_dtype=pl.String,
        skip_nulls=True,
    )
