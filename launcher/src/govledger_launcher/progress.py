"""A one-line progress bar on stderr (no dependency; quiet when stderr is not a terminal)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, label: str, width: int = 30) -> None:
        self._label = label
        self._width = width
        self._last = 0.0
        self._tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        if not self._tty:
            if done >= total:
                print(f"{self._label}: {done:,}/{total:,}", file=sys.stderr)
            return
        filled = int(self._width * done / total) if total else self._width
        bar = "#" * filled + "-" * (self._width - filled)
        end = "\n" if done >= total else ""
        print(f"\r{self._label} [{bar}] {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)
