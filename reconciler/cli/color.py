"""When the CLI writes ANSI colour: ``--color``/``--no-color``, ``NO_COLOR``, ``FORCE_COLOR``,
``TERM``, and whether the stream is a terminal.

Why its own module: the top-level group needs ``--color``/``--no-color`` and must stay cheap to
import (commands load lazily); options.py re-exports both names for the commands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_COLOR_META = "reconciler.color"


def use_color(stream: Any = None) -> bool:
    """Whether to write ANSI colour on ``stream`` (default stdout); the first rule that applies
    wins.

    1. ``--color`` → yes, ``--no-color`` → no: an argument of this run overrides the
       environment (https://no-color.org: "per-instance command-line arguments should override
       NO_COLOR").
    2. ``NO_COLOR`` present and not empty, whatever its value → no; empty counts as unset
       (https://no-color.org).
    3. ``FORCE_COLOR`` present and not empty, whatever its value (``0`` too) → yes, even into a
       pipe, so that CI logs show colour (https://force-color.org; rich reads it the same way).
    4. ``TERM=dumb`` → no: that terminal does not understand escape sequences.
    5. Otherwise only when ``stream`` is a terminal: stdout and stderr are decided apart.
    """
    ctx = click.get_current_context(silent=True)
    choice = ctx.meta.get(_COLOR_META) if ctx is not None else None
    if choice is not None:
        return bool(choice)
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    if os.environ.get("TERM", "") == "dumb":
        return False
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except ValueError:  # a closed stream
        return False


def _set_color(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    if value is not None:
        ctx.meta[_COLOR_META] = value  # meta is shared by the whole command chain


def no_color_option(func: F) -> F:
    """``--color/--no-color`` of the top-level group: ``reconciler --no-color plan …``."""
    return click.option(
        "--color/--no-color",
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_color,
        help="Always / never write ANSI colour, over NO_COLOR and FORCE_COLOR "
        "[default: on a terminal only].",
    )(func)
