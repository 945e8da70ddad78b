"""``reconciler plan``: what apply would change, as text, JSON or Markdown; optionally saved."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.github import locator, report_config_error, write_step_summary
from reconciler.cli.options import (
    ApiOptions,
    api_options,
    collect,
    connection,
    open_providers,
    output_format_option,
    rotate_option,
    use_color,
)
from reconciler.cli.progress import reading_progress
from reconciler.errors import ConfigError
from reconciler.executor import unresolvable_secrets
from reconciler.plan import Plan
from reconciler.planner import Target, build_plan, shared_names
from reconciler.providers.base import AnyProvider, PlanOptions
from reconciler.render.github import (
    render_problems_github,
    render_warnings_github,
)
from reconciler.render.markdown import render_markdown
from reconciler.render.plan_json import plan_to_data
from reconciler.render.table import Choices, formats
from reconciler.render.table import render as render_as
from reconciler.workspace import Workspace, load_workspace

TITLE = "reconciler plan"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@output_format_option(formats("plan"))
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Also save the plan (JSON, with fingerprints, no secrets) for 'apply FILE'.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes, 0 when none, 1 on error.",
)
@click.option(
    "--require-secrets",
    is_flag=True,
    help="Fail (exit 1) when a secret the plan would send cannot be read now, instead of warning.",
)
@rotate_option
@api_options
def plan(
    paths: tuple[str, ...],
    output_format: str,
    out_file: str | None,
    detailed_exitcode: bool,
    require_secrets: bool,
    rotate: tuple[str, ...],
    **kwargs: Any,
) -> int:
    """Show what 'apply' would change. Reads the account; changes nothing.

    \b
    Examples:
      reconciler plan integrations/ --sandbox
      reconciler plan integrations/ --format markdown --out plan.json --detailed-exitcode
    """
    options = collect(kwargs)
    try:
        result = _plan(paths, options, rotate, require_secrets, output_format)
    except ConfigError as exc:
        if output_format != "github":
            raise
        return report_config_error(exc, title=TITLE)
    if out_file:
        with open(out_file, "w", encoding="utf-8") as handle:
            json.dump(plan_to_data(result), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    # color=: click strips ANSI codes off a non-terminal unless told; use_color() decided.
    click.echo(render(result, output_format), nl=False, color=output_format == "text" or None)
    if output_format == "github":
        write_step_summary(render_markdown(result))
    if detailed_exitcode and result.has_changes:
        return exitcodes.CHANGES
    return exitcodes.OK


def _plan(
    paths: tuple[str, ...],
    options: ApiOptions,
    rotate: tuple[str, ...],
    require_secrets: bool,
    output_format: str,
) -> Plan:
    """The plan, its warnings printed (on stderr, or as annotations with ``github``)."""
    workspace = load_workspace(paths)
    with connection(options) as conn, open_providers(conn, workspace.desired) as providers:
        result = make_plan(
            workspace, providers, PlanOptions(frozenset(rotate)), options.parallelism
        )
    missing = unresolvable_secrets(result)
    if missing and require_secrets:
        raise ConfigError(missing)
    twins = shared_names(result.unmanaged)
    if output_format == "github":
        # a warning only: the secrets may be given to the apply job alone (CI)
        warnings = [dataclasses.replace(p, severity="warning") for p in missing]
        click.echo(render_problems_github(warnings, title=TITLE, locate=locator()), nl=False)
        click.echo(render_warnings_github(twins, title=TITLE), nl=False)
        return result
    for problem in missing:
        # a warning only: the secrets may be given to the apply job alone (CI)
        where = f"{problem.file}:{problem.line}:{problem.column}"
        click.echo(f"{where}: warning: {problem.message} ({problem.hint})", err=True)
    for warning in twins:
        click.echo(f"warning: {warning}", err=True)
    return result


def make_plan(
    workspace: Workspace,
    providers: Mapping[str, AnyProvider],
    options: PlanOptions,
    parallelism: int,
) -> Plan:
    """Plan every provider of the workspace; a reading bar on a terminal (stderr) meanwhile."""
    with reading_progress("Reading") as progress:
        return build_plan(
            [Target(providers[name], items) for name, items in workspace.desired.items()],
            options=options,
            parallelism=parallelism,
            progress=progress,
            config_fingerprint=workspace.fingerprint,
            config_paths=workspace.paths,
        )


def render(result: Plan, output_format: str) -> str:
    return render_as("plan", output_format, result, Choices(color=use_color(), locate=locator()))
