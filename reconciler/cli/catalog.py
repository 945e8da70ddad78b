"""``reconciler catalog``: what the account's providers offer to build integrations from.

Read-only: GetSiteThirdPartyIntegrations for RevCent, the integration types (and the default
e-invoicing mandates) for Solvimon. ``--yaml`` prints a starter file for one entry.
"""

from __future__ import annotations

from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.discover import discoveries, provider_option
from reconciler.cli.options import api_options, collect, connection, format_option
from reconciler.errors import ConfigError
from reconciler.providers.discovery import SiteInfo
from reconciler.render import catalog as render


@click.command()
@click.argument("site", required=False)
@provider_option
@format_option
@click.option(
    "--yaml",
    "as_yaml",
    is_flag=True,
    help="Print a starter YAML document for SITE instead (ids filled in, what to choose in "
    "comments, secrets as {env: ...} references); it passes 'reconciler validate'.",
)
@api_options
def catalog(
    site: str | None, provider: str | None, output_format: str, as_yaml: bool, **kwargs: Any
) -> int:
    """List what integrations can be made of, or one SITE's credentials and options.

    Without SITE: every RevCent site integration (id, name, type, whether credentials and
    options are needed) and the Solvimon integration types. With SITE (a name or id; a
    Solvimon type like TAX_CALCULATION): its credential fields and every option and field
    (type, required, multiple, static values, whether values are account assets). Reads only.

    \b
    Examples:
      reconciler catalog --sandbox
      reconciler catalog Avalara --sandbox
      reconciler catalog Avalara --yaml --sandbox > integrations/avalara.yaml
    """
    options = collect(kwargs)
    if as_yaml and site is None:
        raise ConfigError(
            "--yaml prints a starter file for one entry: name it, like "
            "'reconciler catalog Avalara --yaml'"
        )
    if as_yaml and output_format != "text":
        raise ConfigError("--yaml prints YAML: leave out --format")
    with connection(options) as conn, discoveries(conn, provider) as found:
        if site is None:
            listings = [d.listing() for d in found.values()]
            if output_format == "json":
                click.echo(render.render_json("catalogs", listings), nl=False)
            elif output_format == "markdown":
                click.echo(render.listing_markdown(listings), nl=False)
            else:
                click.echo(render.listing_text(listings), nl=False)
            return exitcodes.OK
        name, entry = _describe(found, site)
        if as_yaml:
            click.echo(found[name].starter(entry), nl=False)
        elif output_format == "json":
            click.echo(render.render_json("entries", [entry]), nl=False)
        elif output_format == "markdown":
            click.echo(render.site_markdown(entry), nl=False)
        else:
            click.echo(render.site_text(entry), nl=False)
    return exitcodes.OK


def _describe(found: dict[str, Any], site: str) -> tuple[str, SiteInfo]:
    """The one provider entry called ``site``; every provider's reason when none has it."""
    errors: list[str] = []
    hits: list[tuple[str, SiteInfo]] = []
    for name, discovery in found.items():
        try:
            hits.append((name, discovery.describe(site)))
        except ConfigError as exc:
            errors.append(str(exc))
    if len(hits) == 1:
        return hits[0]
    if hits:
        where = ", ".join(n for n, _ in hits)
        raise ConfigError(f"{site!r} names an entry of {where}: add --provider to choose")
    raise ConfigError("; ".join(errors))
