"""GitHub Actions workflow commands: problems and changes as annotations on the YAML lines.

Why: in a pull request, an ``::error file=…,line=…::`` line printed by a step shows inline in the
diff, where the reviewer reads the YAML. Pure: values in, text out; the caller prints it and
writes the job summary. Escaping follows GitHub's toolkit (``%``, CR and LF in messages; also
``:`` and ``,`` in properties), so a message can never end a command early or forge another one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from reconciler.drift import DriftReport
from reconciler.errors import Problem
from reconciler.plan import Plan
from reconciler.render.drift import verdict
from reconciler.render.markdown import escape as escape_markdown

TITLE = "reconciler"
# Problem.severity → workflow command. A "note" passes validation, so it is only a notice.
LEVELS = {"error": "error", "warning": "warning", "note": "notice"}

Locate = Callable[[str], str]


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


def workspace_path(file: str, *, workspace: str | None, cwd: str) -> str:
    """``file`` as GitHub wants it in an annotation: relative to the repository checkout.

    GitHub places an annotation only when its path is relative to ``GITHUB_WORKSPACE``; a
    path given relative to another working directory, or absolute, is made so. Outside the
    workspace (or with none), the path is left as written.
    """
    if not file or not workspace:
        return file
    absolute = os.path.normpath(os.path.join(cwd, file))
    root = os.path.normpath(workspace)
    try:
        if os.path.commonpath([absolute, root]) != root:
            return file
    except ValueError:  # another drive (Windows)
        return file
    return os.path.relpath(absolute, root).replace(os.sep, "/")


def _same(file: str) -> str:
    return file


def render_problems_github(
    problems: Iterable[Problem], *, title: str = TITLE, locate: Locate = _same
) -> str:
    """An error, warning or notice per problem, at its ``file:line:column``."""
    lines = []
    for problem in sorted(problems):
        level = LEVELS.get(problem.severity, "error")
        message = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
        lines.append(
            command(
                level,
                message,
                file=locate(problem.file),
                line=problem.line,
                col=problem.column,
                title=title,
            )
        )
    return "".join(f"{line}\n" for line in lines)


def render_warnings_github(warnings: Iterable[str], *, title: str = TITLE) -> str:
    """Warnings that belong to no YAML line (e.g. unmanaged live twins), one command each."""
    return "".join(f"{command('warning', text, title=title)}\n" for text in warnings)


def render_plan_github(plan: Plan, *, locate: Locate = _same) -> str:
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
                f"{change.action} {change.key}: {paths}{notes}",
                file=locate(file),
                line=line,
                title=f"{TITLE} plan: {change.action}",
            )
        )
    lines.append(command("notice", plan.summary_line(), title=f"{TITLE} plan"))
    return "".join(f"{line}\n" for line in lines)


def render_drift_github(
    report: DriftReport, *, count_unmanaged: bool = False, locate: Locate = _same
) -> str:
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
                file=locate(file),
                line=line,
                title=f"{TITLE} drift",
            )
        )
    lines.append(
        command("notice", verdict(report, count_unmanaged=count_unmanaged), title=f"{TITLE} drift")
    )
    return "".join(f"{line}\n" for line in lines)


def render_problems_summary(
    problems: Iterable[Problem], verdict_line: str, *, title: str = "reconciler validate"
) -> str:
    """The job summary of a validation: the verdict, then a table of every problem."""
    rows = sorted(problems)
    out = [f"### {title}", "", f"**{escape_markdown(verdict_line)}**", ""]
    if rows:
        out += ["| Where | Severity | Problem |", "| --- | --- | --- |"]
        for p in rows:
            message = f"{p.message} ({p.hint})" if p.hint else p.message
            where = f"{p.file}:{p.line}:{p.column}" if p.file else "—"
            out.append(f"| {escape_markdown(where)} | {p.severity} | {escape_markdown(message)} |")
        out.append("")
    return "\n".join(out) + "\n"
