"""GitHub Actions workflow commands: problems and changes as annotations on the YAML lines.

Why: in a pull request, an ``::error file=…,line=…::`` line printed by a step shows inline in the
diff, where the reviewer reads the YAML. Pure: values in, text out; the caller prints it.
Escaping follows GitHub's toolkit (``%``, CR and LF in messages; also ``:`` and ``,`` in
properties), so a message can never end a command early or forge another one.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.drift import DriftReport
from reconciler.errors import Problem
from reconciler.plan import Plan
from reconciler.render.drift import verdict

TITLE = "reconciler"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str, message: str, *, file: str = "", line: int = 0, col: int = 0, title: str = TITLE
) -> str:
    """One workflow command line: ``::error file=F,line=L,col=C,title=T::message``."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        if line:
            props.append(f"line={line}")
        if col:
            props.append(f"col={col}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def split_source(source: str) -> tuple[str, int]:
    """``"dir/a.yaml:12"`` → ``("dir/a.yaml", 12)``; no line → 0."""
    path, _, line = source.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return source, 0


def render_problems_github(problems: Iterable[Problem]) -> str:
    lines = []
    for problem in sorted(problems):
        level = "error" if problem.severity == "error" else "notice"
        message = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
        lines.append(
            command(level, message, file=problem.file, line=problem.line, col=problem.column)
        )
    return "".join(f"{line}\n" for line in lines)


def render_plan_github(plan: Plan) -> str:
    """A notice per change (a warning when high risk) on the YAML document that asks for it."""
    lines = []
    for change in plan.pending:
        file, line = split_source(change.source)
        paths = ", ".join(f.path for f in change.fields) or "new integration"
        level = "warning" if change.risk == "high" else "notice"
        notes = "".join(f"\n{note}" for note in change.notes)
        lines.append(
            command(
                level,
                f"{change.action} {change.name}: {paths}{notes}",
                file=file,
                line=line,
                title=f"{TITLE} plan: {change.action}",
            )
        )
    lines.append(command("notice", plan.summary_line(), title=f"{TITLE} plan"))
    return "".join(f"{line}\n" for line in lines)


def render_drift_github(report: DriftReport, *, count_unmanaged: bool = False) -> str:
    """A warning per drifted or missing integration, on its YAML document."""
    lines = []
    for item in report.items:
        if item.status == "in_sync":
            continue
        file, line = split_source(item.source)
        paths = ", ".join(f.path for f in item.fields)
        detail = f": {paths}" if paths else ""
        lines.append(
            command(
                "warning",
                f"{item.name} is {item.status}{detail}",
                file=file,
                line=line,
                title=f"{TITLE} drift",
            )
        )
    lines.append(
        command("notice", verdict(report, count_unmanaged=count_unmanaged), title=f"{TITLE} drift")
    )
    return "".join(f"{line}\n" for line in lines)
