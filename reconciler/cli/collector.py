"""How a command's process collects garbage: rarely.

Why: a run keeps every parsed document and every live body until it exits, and at CPython's
default thresholds (700, 10, 10) the collector rescans them again and again. Measured on a plan
of 10,000 integrations: 23% of the process's CPU. What a run makes is almost never cyclic, so
collecting every 200,000 new objects (mypy's setting, for the same reason) frees the same memory.
Only the command's own process is tuned: ``run`` (the library entry) leaves its caller's alone.
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 200_000
OLDER_THRESHOLDS = (30, 30)


def collect_rarely() -> None:
    """Set this process's collector thresholds (CPython only: others collect differently)."""
    if sys.implementation.name == "cpython":
        gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def nothing_to_collect_at_exit() -> None:
    """Move every object out of the collector's reach: the process is about to exit.

    Why: CPython collects once more while it shuts down, scanning every object still alive
    (tens of milliseconds after a large run) to free memory the exit frees anyway.
    """
    gc.freeze()
