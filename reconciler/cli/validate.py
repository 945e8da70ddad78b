"""``reconciler validate``: schema and cross-file checks offline; with --live, the catalog too."""

from __future__ import annotations

from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.github import locator, report_config_error, write_step_summary
from reconciler.cli.options import (
    ApiOptions,
    api_options,
    collect,
    connection,
    echo_err,
    output_format_option,
)
from reconciler.errors import ConfigError, Problem
from reconciler.render.github import render_problems_github, render_problems_summary
from reconciler.render.validate_json import render_validation_json
from reconciler.workspace import Workspace, load_workspace

TITLE = "reconciler validate"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--live", is_flag=True, help="Also check against the account's live catalog.")
@click.option(
    "--skip-other-kinds",
    is_flag=True,
    help="Skip, with a note, documents that are not reconciler's (e.g. 'kind: ConfigMap', or no "
    "'kind'), instead of failing on them. The pre-commit hook uses it.",
)
@output_format_option(("text", "json", "github"))
@api_options
def validate(
    paths: tuple[str, ...],
    live: bool,
    skip_other_kinds: bool,
    output_format: str,
    **kwargs: Any,
) -> int:
    """Check YAML files (or directories of them) without changing anything.

    \b
    Examples:
      reconciler validate integrations/
      reconciler validate integrations/ --live --sandbox
      reconciler validate integrations/ --format github   # annotations in a pull request
    """
    options = collect(kwargs)
    try:
        workspace, notes = _check(paths, live, options, skip_other_kinds)
    except ConfigError as exc:
        if output_format == "text":
            raise  # the CLI prints every problem and the count (reconciler.cli.run)
        if output_format == "github":
            return report_config_error(exc, title=TITLE)
        problems = exc.problems or [Problem("", 0, 0, str(exc))]
        _report(output_format, problems, live=live, workspace=None)
        return exitcodes.ERROR
    _report(output_format, notes, live=live, workspace=workspace)
    return exitcodes.OK


def _check(
    paths: tuple[str, ...], live: bool, options: ApiOptions, skip_other_kinds: bool
) -> tuple[Workspace, list[Problem]]:
    """The loaded workspace and its notes, or ConfigError holding every problem."""
    workspace = load_workspace(paths, skip_other_kinds=skip_other_kinds)
    notes = []
    if live:
        from reconciler.live import Target, read_live
        from reconciler.planner import plan_target
        from reconciler.providers.base import PlanOptions

        with connection(options) as conn:
            providers = conn.open(workspace.desired)
            try:
                problems = []
                for name, desired in workspace.desired.items():
                    target = Target(providers[name], desired)
                    state = read_live(target, parallelism=options.parallelism)
                    by_name = {
                        desired[i].key: state.bodies[ref.id] for i, ref in state.matches.items()
                    }
                    problems += providers[name].check_live(desired, by_name)
                    if not any(p.severity == "error" for p in problems):
                        # What plan refuses, validate --live refuses: the same checks run.
                        try:
                            plan_target(target, state, PlanOptions())
                        except ConfigError as exc:
                            problems += exc.problems
            finally:
                for provider in providers.values():
                    provider.close()
        errors = [p for p in problems if p.severity == "error"]
        notes = [p for p in problems if p.severity != "error"]
        if errors:
            raise ConfigError(problems)
    return workspace, [*workspace.notes, *notes]


def _report(
    output_format: str, problems: list[Problem], *, live: bool, workspace: Workspace | None
) -> None:
    """Print the verdict in ``output_format``; ``workspace`` is None when validation failed."""
    if output_format == "json":
        click.echo(
            render_validation_json(
                problems,
                checks="live" if live else "schema",
                files=len(workspace.files) if workspace else None,
                integrations=workspace.count if workspace else None,
            ),
            nl=False,
        )
        return
    assert workspace is not None  # text and github failures are reported before
    scope = "live catalog" if live else "schema"
    verdict = (
        f"ok: {workspace.count} integration(s) in {len(workspace.files)} file(s) "
        f"are valid ({scope} checks)"
    )
    if output_format == "github":
        click.echo(render_problems_github(problems, title=TITLE, locate=locator()), nl=False)
        write_step_summary(render_problems_summary(problems, verdict, title=TITLE))
    else:
        for note in sorted(problems):
            echo_err(str(note))
    click.echo(verdict)
