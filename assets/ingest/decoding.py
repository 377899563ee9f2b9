"""A landed text file as UTF-8 for the readers: unpacked, decoded strictly, with line breaks they know.

- A byte order mark decides the encoding (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), whatever the feed's
  `encoding` says: no other encoding starts a header with those bytes. Otherwise the feed's
  `encoding` (any text codec Python knows: `mac_roman`, `cp1252`, `latin-1`, `utf-16`, ...) is used.
- A byte that does not decode fails the whole file, naming the line and the byte: never a silent
  substitution, since a replaced character would load as a different customer, city or product.
- Classic-Mac files (CR only, no LF anywhere) are read with their CRs as line breaks.

Plain UTF-8 files with LF or CRLF line breaks are handed to the reader as the file itself, so the
common case costs no copy; polars rejects their invalid bytes and `decode_error` names the place.
"""

import codecs
import mmap
import re
from dataclasses import dataclass
from pathlib import Path

from assets.ingest.unpacking import is_compressed, unpacked_bytes

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass(frozen=True)
class Content:
    """A landed file's text: the file itself (plain UTF-8) or its UTF-8 bytes, and how its last line ends."""

    data: Path | bytes
    has_line_break: bool
    ends_with_line_break: bool
    """False when the last line that is not blank has no line break: the file may be cut short."""

    def text(self) -> str:
        raw = self.data.read_bytes() if isinstance(self.data, Path) else self.data
        return raw.decode("utf-8-sig")


class DecodeProblem(ValueError):
    """Bytes that are not in the encoding; the message names the line and the byte."""


def is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def landed_content(path: Path, encoding: str) -> Content:
    """The file's text, decoded strictly from the BOM's encoding or else `encoding`."""
    if is_utf8(encoding) and not is_compressed(path):
        fast = _plain_utf8(path)
        if fast is not None:
            return fast
    data = unpacked_bytes(path)
    codec = next((name for bom, name in BOMS if data.startswith(bom)), None) or encoding
    if is_utf8(codec):
        codec = "utf-8-sig"  # drops a byte order mark
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DecodeProblem(decode_error(data, codec, exc)) from exc
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    tail = text.rstrip(" \t")
    return Content(
        data=text.encode("utf-8"),
        has_line_break="\n" in text,
        ends_with_line_break=not tail or tail[-1] in "\r\n",
    )


def _plain_utf8(path: Path) -> Content | None:
    """The file itself when it needs no decoding step: no UTF-16/32 byte order mark and some LF."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        start = view[:4]
        if any(start.startswith(bom) for bom, name in BOMS if name != "utf-8-sig"):
            return None
        if view.find(b"\n") < 0:
            return None  # CR-only or a single line: decoded and normalised instead
        tail = view[max(0, len(view) - 256) :].rstrip(b" \t")
    return Content(data=path, has_line_break=True, ends_with_line_break=not tail or tail[-1:] in (b"\r", b"\n"))


def decode_error(data: bytes, codec: str, exc: UnicodeDecodeError) -> str:
    """Where the bytes stop being `codec`: the line (counting CR, LF and CRLF breaks) and the byte."""
    before = data[: exc.start].decode(codec, errors="replace")
    line = len(LINE_BREAK.findall(before)) + 1
    return f"line {line} is not valid {codec.removesuffix('-sig')} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
