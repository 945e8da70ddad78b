"""``reconciler assets NAME``: the asset values a live integration's account offers, per field."""

from __future__ import annotations

from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.discover import discoveries, provider_option
from reconciler.cli.options import api_options, collect, connection, format_option
from reconciler.errors import ConfigError
from reconciler.providers.discovery import AssetReport, NoAssets
from reconciler.render import catalog as render


@click.command()
@click.argument("name")
@provider_option
@format_option
@api_options
def assets(name: str, provider: str | None, output_format: str, **kwargs: Any) -> int:
    """Show the asset values a live integration's account offers, and the saved ones.

    NAME is the live integration's name or id. Asset fields (values from the provider account)
    list what RevCent offers once credentials are saved; static selects list their choices.
    Saved values are marked '*', saved values no longer offered '!'. Reads only.

    \b
    Examples:
      reconciler assets "Main Tax Provider - Production" --sandbox
      reconciler assets "Main Tax Provider - Production" --format json
    """
    options = collect(kwargs)
    with connection(options) as conn, discoveries(conn, provider) as found:
        errors: list[ConfigError] = []
        reports: list[AssetReport] = []
        for discovery in found.values():
            try:
                reports.append(discovery.assets(name))
            except ConfigError as exc:
                errors.append(exc)
        if not reports:
            # A provider without assets is named only when no other provider was asked.
            relevant = [e for e in errors if not isinstance(e, NoAssets)] or errors
            raise ConfigError("; ".join(str(e) for e in relevant))
        if len(reports) > 1:
            where = ", ".join(r.provider for r in reports)
            raise ConfigError(f"{name!r} names an integration of {where}: add --provider")
    report = reports[0]
    if output_format == "json":
        click.echo(render.render_json("integrations", [report]), nl=False)
    elif output_format == "markdown":
        click.echo(render.assets_markdown(report), nl=False)
    else:
        click.echo(render.assets_text(report), nl=False)
    return exitcodes.OK
