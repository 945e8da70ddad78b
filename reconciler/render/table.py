"""One table of renderers: (what, format) → a pure function of the value and a few choices.

Why one table: plan, apply and drift each used to pick their renderer with their own chain of
``if`` s, so a format added to one was easy to forget in another, and the formats each command
offers were written twice (the option's choices and the chain). The CLI asks ``formats(what)``
for its choices and ``render`` for the text; nothing here knows about terminals or click.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.drift import DriftReport
from reconciler.executor import ApplyReport
from reconciler.plan import Plan
from reconciler.render.drift import render_drift_json, render_drift_markdown, render_drift_text
from reconciler.render.github import Locate, render_drift_github, render_plan_github
from reconciler.render.markdown import render_markdown
from reconciler.render.plan_json import render_json
from reconciler.render.report import (
    render_report_json,
    render_report_markdown,
    render_report_text,
)
from reconciler.render.text import render_text

What = Literal["plan", "apply", "drift"]


def _as_is(path: str) -> str:
    return path


@dataclass(frozen=True)
class Choices:
    """What a renderer may be told beyond the value; each renderer reads only its own."""

    color: bool = False  # text: ANSI colour
    locate: Locate = field(default=_as_is)  # github: a YAML path as GitHub places annotations
    count_unmanaged: bool = False  # drift: unmanaged integrations count as drift
    list_all: bool = False  # apply text: list unchanged integrations too


def _plan(value: Any) -> Plan:
    assert isinstance(value, Plan)
    return value


def _report(value: Any) -> ApplyReport:
    assert isinstance(value, ApplyReport)
    return value


def _drift(value: Any) -> DriftReport:
    assert isinstance(value, DriftReport)
    return value


Renderer = Callable[[Any, Choices], str]

RENDERERS: dict[tuple[What, str], Renderer] = {
    ("plan", "text"): lambda v, c: render_text(_plan(v), color=c.color),
    ("plan", "json"): lambda v, c: render_json(_plan(v)),
    ("plan", "markdown"): lambda v, c: render_markdown(_plan(v)),
    ("plan", "github"): lambda v, c: render_plan_github(_plan(v), locate=c.locate),
    ("apply", "text"): lambda v, c: render_report_text(_report(v), list_all=c.list_all),
    ("apply", "json"): lambda v, c: render_report_json(_report(v)),
    ("apply", "markdown"): lambda v, c: render_report_markdown(_report(v)),
    ("drift", "text"): lambda v, c: render_drift_text(_drift(v), count_unmanaged=c.count_unmanaged),
    ("drift", "json"): lambda v, c: render_drift_json(_drift(v), count_unmanaged=c.count_unmanaged),
    ("drift", "markdown"): lambda v, c: render_drift_markdown(
        _drift(v), count_unmanaged=c.count_unmanaged
    ),
    ("drift", "github"): lambda v, c: render_drift_github(
        _drift(v), count_unmanaged=c.count_unmanaged, locate=c.locate
    ),
}


def formats(what: What) -> tuple[str, ...]:
    """The formats ``what`` can be written in, in the table's order (text first)."""
    return tuple(fmt for kind, fmt in RENDERERS if kind == what)


def render(what: What, output_format: str, value: Any, choices: Choices = Choices()) -> str:
    """``value`` (a Plan, ApplyReport or DriftReport, as ``what`` says) in ``output_format``."""
    try:
        renderer = RENDERERS[(what, output_format)]
    except KeyError:
        known = ", ".join(formats(what))
        raise ValueError(f"{what} has no {output_format!r} format (known: {known})") from None
    return renderer(value, choices)
