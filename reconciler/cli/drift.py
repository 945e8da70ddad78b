"""``reconciler drift``: does the account still look like the YAML? Read-only, for schedules."""

from __future__ import annotations

from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.github import locator, report_config_error, write_step_summary
from reconciler.cli.options import api_options, collect, connection, output_format_option
from reconciler.cli.progress import reading_progress
from reconciler.drift import DriftReport, detect_drift
from reconciler.errors import ConfigError
from reconciler.planner import Target, shared_names
from reconciler.render.drift import render_drift_markdown
from reconciler.render.github import render_warnings_github
from reconciler.render.table import Choices, formats
from reconciler.render.table import render as render_as
from reconciler.workspace import load_workspace


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@output_format_option(formats("drift"))
@click.option(
    "--fail-on-unmanaged",
    is_flag=True,
    help="Count integrations that are in the account but in no YAML as drift.",
)
@api_options
def drift(
    paths: tuple[str, ...], output_format: str, fail_on_unmanaged: bool, **kwargs: Any
) -> int:
    """Report managed fields that differ live, missing and unmanaged integrations.

    Changes nothing. Exit 0: no drift; 2: drift; 1: error.

    \b
    Examples:
      reconciler drift integrations/ --sandbox
      reconciler drift integrations/ --format markdown --fail-on-unmanaged > drift.md
    """
    options = collect(kwargs)
    try:
        workspace = load_workspace(paths)
    except ConfigError as exc:
        if output_format != "github":
            raise
        return report_config_error(exc, title="reconciler drift")
    with connection(options) as conn:
        providers = conn.open(workspace.desired)
        try:
            with reading_progress("Reading") as progress:
                report = detect_drift(
                    [Target(providers[name], items) for name, items in workspace.desired.items()],
                    parallelism=options.parallelism,
                    config_paths=workspace.paths,
                    progress=progress,
                )
        finally:
            for provider in providers.values():
                provider.close()
    twins = shared_names(report.unmanaged)
    if output_format == "github":
        click.echo(render_warnings_github(twins, title="reconciler drift"), nl=False)
        write_step_summary(render_drift_markdown(report, count_unmanaged=fail_on_unmanaged))
    for warning in twins if output_format != "github" else ():
        click.echo(f"warning: {warning}", err=True)
    click.echo(render(report, output_format, fail_on_unmanaged), nl=False)
    if report.has_drift(count_unmanaged=fail_on_unmanaged):
        return exitcodes.CHANGES
    return exitcodes.OK


def render(report: DriftReport, output_format: str, count_unmanaged: bool) -> str:
    choices = Choices(locate=locator(), count_unmanaged=count_unmanaged)
    return render_as("drift", output_format, report, choices)
