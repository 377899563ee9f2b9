"""Serve the reports and Data Docs of a published folder on localhost, so the Dagster UI can link them.

Browsers do not open ``file://`` links from an ``http://`` page such as the Dagster UI, so the
checks link their Data Docs at ``http://127.0.0.1:<port>/...`` as served by `segments docs`.
Only the pages are served: the version files and the audience exports (which hold e-mail
addresses) beside them are not, and the server listens on the loopback interface only.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

DEFAULT_DOCS_PORT = 3070
SERVED = ("data_docs", "reports", "report.html")
"""Top-level entries of the published folder that are served; everything else answers 404."""


def docs_url(relative: Path | str, port: int = DEFAULT_DOCS_PORT) -> str:
    """Where `segments docs` serves a file given relative to the published folder."""
    return f"http://127.0.0.1:{port}/{PurePosixPath(relative).as_posix()}"


class _PagesOnly(SimpleHTTPRequestHandler):
    def send_head(self):  # type: ignore[no-untyped-def]
        parts = PurePosixPath(unquote(urlsplit(self.path).path)).parts
        if len(parts) < 2 or parts[1] not in SERVED or ".." in parts:
            self.send_error(404, "Only the reports and Data Docs are served")
            return None
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would bury the URLs printed at start


def docs_server(published_root: Path, port: int = DEFAULT_DOCS_PORT) -> ThreadingHTTPServer:
    """A server (not yet started: call ``serve_forever``) for ``published_root`` on 127.0.0.1:``port``."""
    handler = functools.partial(_PagesOnly, directory=str(published_root))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
