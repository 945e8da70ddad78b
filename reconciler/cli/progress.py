"""Progress on a terminal while applying or reading: count, rate and ETA, drawn on stderr.

Why here: the core reports progress through plain callbacks (the Executor's ``on_done``, a
reader's ``progress(done, total)``) and knows nothing of terminals; this module alone draws.
Why only on a terminal (stderr, not dumb): a redrawn line is noise in a CI log or a file, and
stdout (the report, JSON) is never written to. Why rich: its progress bar redraws from its own
thread, is safe to advance from worker threads, and estimates a rate and the time remaining;
click's progress bar has no rate column and is driven from one thread.

What is shown: a label, the bar, done/total, a rate, the time remaining and the name of the
integration last done. Never a body, a value or a secret: the callers pass names and counts.
"""

from __future__ import annotations

import contextlib
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when a bar is drawn (see progress_bar.py)
    from reconciler.cli.progress_bar import TerminalProgress

# What a reader calls: (done, total or None when the total is not known yet).
ReadProgress = Callable[[int, int | None], None]


def terminal(stream: IO[str] | None = None) -> IO[str] | None:
    """``stream`` (default stderr) if a live display may be drawn on it, else None.

    A display needs a terminal that can move the cursor: not a pipe or file (CI logs), not
    ``TERM=dumb``. ``FORCE_COLOR`` does not count: it asks for colour, not for animation.
    """
    stream = stream if stream is not None else sys.stderr
    try:
        if not stream.isatty():
            return None
    except (ValueError, AttributeError):  # closed, or not a real stream
        return None
    if os.environ.get("TERM", "") == "dumb":
        return None
    return stream


def printable(text: str) -> str:
    """``text`` with control and format characters as ``?``: a name must not drive the
    terminal (a YAML name may hold an escape sequence)."""
    return "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") else ch for ch in text
    )


def applying_progress(total: int, stream: IO[str] | None = None) -> TerminalProgress | None:
    """A display over ``total`` changes, not started yet (``with`` starts it), or None when
    ``stream`` (default stderr) is no terminal. Its last frame stays: count, rate, time taken.
    """
    out = terminal(stream)
    if out is None or total < 1:
        return None
    from reconciler.cli.progress_bar import TerminalProgress

    return TerminalProgress(out, "Applying", total)


@contextlib.contextmanager
def reading_progress(
    label: str = "Reading", stream: IO[str] | None = None
) -> Iterator[ReadProgress | None]:
    """A ``progress(done, total_or_None)`` callable for a reader, drawn while the block runs,
    or None when ``stream`` (default stderr) is no terminal, so that the reader need not
    report at all. The bar disappears when the block ends: the output follows in its place.

    Example (plan, drift)::

        with reading_progress("Reading") as progress:
            live = read_live(..., progress=progress)
    """
    out = terminal(stream)
    if out is None:
        yield None
        return
    from reconciler.cli.progress_bar import TerminalProgress

    with TerminalProgress(out, label, None, transient=True) as display:
        yield display.update
