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
from datetime import timedelta
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from reconciler.cli.color import use_color

# What a reader calls: (done, total or None when the total is not known yet).
ReadProgress = Callable[[int, int | None], None]

NAME_WIDTH = 40
SHOW_CURSOR = b"\x1b[?25h"


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


class _Count(ProgressColumn):
    """``42/200``, or ``42`` while the total is not known."""

    def render(self, task: Task) -> Text:
        done = int(task.completed)
        return Text(f"{done}/{int(task.total)}" if task.total is not None else str(done))


class _Rate(ProgressColumn):
    """Items per second, by rich's estimate over the last 30 s (``-/s`` before the second)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-/s" if speed is None else f"{speed:.1f}/s")


class _Eta(ProgressColumn):
    """``ETA 0:00:13`` while running; the time it took once finished."""

    def render(self, task: Task) -> Text:
        if task.finished:
            return Text(f"took {_clock(task.finished_time or task.elapsed)}")
        remaining = task.time_remaining if task.total is not None else None
        return Text(f"ETA {_clock(remaining)}")


class _Current(ProgressColumn):
    """The name of the item last done, shortened, as plain text (never markup)."""

    def render(self, task: Task) -> Text:
        name = printable(str(task.fields.get("current", "")))
        if len(name) > NAME_WIDTH:
            name = name[: NAME_WIDTH - 1] + "…"
        return Text(name, style="dim")


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    return str(timedelta(seconds=max(0, int(seconds))))


class TerminalProgress:
    """One progress bar on a terminal stream; start and stop it with ``with``.

    ``advance`` and ``update`` may be called from any thread. ``abandon`` is for a process
    about to ``os._exit``: it gives the cursor back without taking a lock.
    """

    def __init__(
        self, stream: IO[str], label: str, total: int | None, *, transient: bool = False
    ) -> None:
        colour = use_color(stream)
        self.stream = stream
        self.console = Console(
            file=stream,
            force_terminal=True,  # terminal() decided; never rich's FORCE_COLOR rule
            force_interactive=True,
            color_system="auto" if colour else None,  # None: no SGR code at all
            no_color=not colour,
            highlight=False,
            emoji=False,
            markup=False,
        )
        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=30),
            _Count(),
            _Rate(),
            _Eta(),
            _Current(),
            console=self.console,
            transient=transient,
            redirect_stdout=False,  # stdout carries the report or JSON: never touched
            redirect_stderr=False,
            refresh_per_second=8,
        )
        self.task = self.progress.add_task(label, total=total, current="")
        self._running = False

    def __enter__(self) -> TerminalProgress:
        self.progress.start()
        self._running = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self._running:
            self._running = False
            self.progress.stop()

    def advance(self, name: str) -> None:
        """One more item done; ``name`` is shown as the last one."""
        self.progress.update(self.task, advance=1, current=name)

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` items of ``total`` (None: not known yet): the reader's callback."""
        self.progress.update(self.task, completed=done, total=total)

    def note(self, message: str) -> None:
        """A line above the bar (the bar is redrawn below it)."""
        self.console.print(Text(message))

    def abandon(self) -> None:
        """End the line and show the cursor again, straight to the file descriptor."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.write(self.stream.fileno(), b"\n" + SHOW_CURSOR)


def applying_progress(total: int, stream: IO[str] | None = None) -> TerminalProgress | None:
    """A display over ``total`` changes, not started yet (``with`` starts it), or None when
    ``stream`` (default stderr) is no terminal. Its last frame stays: count, rate, time taken.
    """
    out = terminal(stream)
    if out is None or total < 1:
        return None
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
    with TerminalProgress(out, label, None, transient=True) as display:
        yield display.update
