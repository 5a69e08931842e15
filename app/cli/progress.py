"""Progress of long commands on a terminal (standard error); silent when piped."""

from __future__ import annotations

import sys
from typing import Any

import click


class Progress:
    """A progress bar on a terminal (standard error), silence when piped; sized on its first report."""

    def __init__(self, label: str, length: int | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.bar: Any = None
        self.done = 0
        if length is not None:
            self._open(length)

    def _open(self, length: int) -> None:
        if self.enabled and self.bar is None:
            self.bar = click.progressbar(length=max(length, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def report(self, done: int, total: int) -> None:
        self._open(total)
        if self.bar is not None:
            self.bar.length = max(self.bar.length, total)
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
