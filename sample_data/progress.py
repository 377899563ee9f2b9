"""A hand-written progress bar on stderr: chunks done of total, customers, elapsed time.

On a terminal the bar redraws in place; when stderr is a file or a pipe each update is its own
line, so logs stay readable. A disabled bar writes nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """Progress of a generation run, updated once per chunk."""

    def __init__(self, total_chunks: int, total_customers: int, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.total_chunks = total_chunks
        self.total_customers = total_customers
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self._interactive = enabled and self.stream.isatty()

    def render(self, chunks: int, customers: int) -> str:
        """The bar's text for this many chunks and customers done."""
        filled = BAR_WIDTH * chunks // max(self.total_chunks, 1)
        elapsed = time.perf_counter() - self.started
        return (
            f"sample feeds [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{chunks}/{self.total_chunks} chunks, {customers:,}/{self.total_customers:,} customers, {elapsed:.1f} s"
        )

    def update(self, chunks: int, customers: int) -> None:
        """Show progress; ends the line once the last chunk is done."""
        if not self.enabled:
            return
        text = self.render(chunks, customers)
        if self._interactive:
            end = "\n" if chunks >= self.total_chunks else ""
            self.stream.write(f"\r{text}{end}")
        else:
            self.stream.write(f"{text}\n")
        self.stream.flush()
