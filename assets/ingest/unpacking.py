"""The bytes inside a landed file: a gzip stream is decompressed, a zip archive must hold one data file.

Compression is recognised by the file's first bytes, not its name, so `orders.csv.gz`, `orders.gz`
and a gzip file misnamed `orders.csv` all read the same. A spreadsheet (`.xlsx`) is a zip archive
too, read by its own reader (`spreadsheet.py`), never unpacked here.
"""

import gzip
import zipfile
import zlib
from pathlib import Path, PurePosixPath

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
COMPRESSED_SUFFIXES = (".gz", ".zip")
"""A feed's glob also matches its files with one of these suffixes added (`*.csv` matches `a.csv.gz`)."""


class ArchiveError(ValueError):
    """A compressed file cannot be unpacked; the message names the archive and what it holds."""


def is_compressed(path: Path) -> bool:
    """Whether the file starts like a gzip stream or a zip archive."""
    with path.open("rb") as handle:
        start = handle.read(4)
    return start.startswith(GZIP_MAGIC) or start == ZIP_MAGIC


def unpacked_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip or a zip archive holding exactly one data file."""
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        try:
            return gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise ArchiveError(
                f"{path}: the gzip stream is damaged or cut short ({type(exc).__name__}: {str(exc)[:120]}); "
                "was the upload complete?"
            ) from exc
    if data.startswith(ZIP_MAGIC):
        return _single_member(path)
    return data


def _single_member(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir() and not _is_hidden(info.filename)]
            if len(members) != 1:
                names = ", ".join(info.filename for info in members[:10]) or "no file"
                raise ArchiveError(
                    f"{path}: a zip archive must hold exactly one data file, it holds {len(members)} ({names}); "
                    "put each file in its own archive or unpack them into the feed's folder"
                )
            return archive.read(members[0])
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ArchiveError(f"{path}: not a readable zip archive ({exc}); was the upload complete?") from exc


def _is_hidden(name: str) -> bool:
    """macOS adds `__MACOSX/` and `.DS_Store` entries to archives; they are not data."""
    parts = PurePosixPath(name).parts
    return any(part.startswith(("__MACOSX", ".")) for part in parts)
