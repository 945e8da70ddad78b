"""When the CLI writes ANSI colour: ``--no-color``, ``NO_COLOR``, ``FORCE_COLOR``, ``TERM``.

Why its own module: the top-level group needs ``--no-color`` and must stay cheap to import
(commands load lazily); options.py re-exports both names for the commands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_NO_COLOR_META = "reconciler.no_color"


def use_color(stream: Any = None) -> bool:
    """Whether to write ANSI colour, by the common conventions, first match wins.

    ``--no-color`` → no; ``NO_COLOR`` non-empty → no (empty counts as unset, per
    https://no-color.org); ``FORCE_COLOR`` non-empty and not ``0`` → yes, even into a pipe
    (CI logs render colour); ``TERM=dumb`` → no; else only on a terminal.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_NO_COLOR_META):
        return False
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    if os.environ.get("TERM", "") == "dumb":
        return False
    stream = stream or sys.stdout
    return bool(stream.isatty())


def _set_no_color(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_NO_COLOR_META] = True  # meta is shared by the whole command chain


def no_color_option(func: F) -> F:
    """``--no-color`` of the top-level group: ``reconciler --no-color plan …``."""
    return click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_no_color,
        help="Never write ANSI colour (also: NO_COLOR=1; FORCE_COLOR=1 forces it).",
    )(func)
