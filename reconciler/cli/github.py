"""What ``--format github`` needs from the environment: where the repository is checked out
and the job summary file. Kept apart from the pure renderer (reconciler/render/github.py).
"""

from __future__ import annotations

import functools
import os

import click

from reconciler import exitcodes
from reconciler.errors import ConfigError, Problem
from reconciler.render.github import (
    Locate,
    render_problems_github,
    render_problems_summary,
    workspace_path,
)

SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def locator() -> Locate:
    """Paths as GitHub places annotations: relative to ``$GITHUB_WORKSPACE`` when it is set."""
    return functools.partial(
        workspace_path, workspace=os.environ.get("GITHUB_WORKSPACE") or None, cwd=os.getcwd()
    )


def write_step_summary(markdown: str) -> None:
    """Append ``markdown`` to the job summary when the runner gives one (``$GITHUB_STEP_SUMMARY``).

    Appended, as GitHub asks: earlier steps' summaries stay. A file that cannot be written is
    a warning only; the command's verdict and exit code do not depend on the summary.
    """
    path = os.environ.get(SUMMARY_ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown)
            if not markdown.endswith("\n"):
                handle.write("\n")
    except OSError as exc:
        click.echo(
            f"warning: cannot write the job summary to ${SUMMARY_ENV} ({path}): "
            f"{exc.strerror or exc}",
            err=True,
        )


def report_config_error(exc: ConfigError, *, title: str) -> int:
    """``--format github`` of a configuration error: an annotation per problem on its YAML
    line, the problems in the job summary, the count on stderr; the usual exit code (1)."""
    problems = exc.problems or [Problem("", 0, 0, str(exc))]
    click.echo(render_problems_github(problems, title=title, locate=locator()), nl=False)
    errors = sum(1 for p in problems if p.severity == "error")
    verdict = f"{errors} error(s): nothing was sent."
    write_step_summary(render_problems_summary(problems, verdict, title=title))
    click.echo(verdict, err=True)
    return exitcodes.ERROR
