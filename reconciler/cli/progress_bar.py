"""The progress bar itself (rich): columns for count, rate, ETA and the last name.

Why apart from progress.py: rich costs some 60 ms to import, and most runs (CI logs, pipes,
files) never draw a bar; progress.py decides whether to draw and imports this module only then.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from reconciler.cli.color import use_color
from reconciler.cli.progress import printable

NAME_WIDTH = 40
SHOW_CURSOR = b"\x1b[?25h"


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
