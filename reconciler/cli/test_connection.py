"""``reconciler test-connection NAME [PATHS]``: test one integration's credentials on demand.

Why a command of its own: apply tests a connection only on the way to activating it; a person
rotating a secret, or a CI job before a release, wants the same test with nothing changed. The
command knows no vendor: it asks the integration's provider, if that provider offers a test.
"""

from __future__ import annotations

import json
from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.options import api_options, collect, connection, format_option, open_providers
from reconciler.errors import ConfigError
from reconciler.model import DesiredResource
from reconciler.providers.base import TestsConnection
from reconciler.redaction import scrub
from reconciler.workspace import load_workspace


@click.command("test-connection")
@click.argument("name")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@format_option
@api_options
def test_connection(name: str, paths: tuple[str, ...], output_format: str, **kwargs: Any) -> int:
    """Test the connection of integration NAME with the credentials its YAML names.

    NAME is the integration's natural key as the YAML writes it (a Solvimon `reference`);
    PATHS are the YAML files or directories to find it in (default: the current directory).
    Changes nothing. Exit 0: the connection works; 1: it failed (the vendor's reason is
    printed) or an error.

    \b
    Examples:
      reconciler test-connection avatax-eu integrations/ --sandbox
      reconciler test-connection avatax-eu integrations/solvimon-tax.yaml --format json
    """
    options = collect(kwargs)
    searched = paths or (".",)
    workspace = load_workspace(searched)
    provider_name, desired = _find(name, workspace.desired, searched)
    with connection(options) as conn, open_providers(conn, [provider_name]) as providers:
        provider = providers[provider_name]
        if not isinstance(provider, TestsConnection):
            raise ConfigError(f"{name}: {provider_name} offers no connection test")
        # list_live, not find_by_name: the list's body is then served without another Get
        found = next((ref.id for ref in provider.list_live() if ref.key == name), None)
        live = provider.get_live(found) if found is not None else None
        successful, message = provider.test_connection(desired, live)
    message = scrub(message)
    click.echo(_render(output_format, name, provider_name, successful, message))
    return exitcodes.OK if successful else exitcodes.ERROR


def _find(
    name: str, desired: dict[str, list[DesiredResource]], paths: tuple[str, ...]
) -> tuple[str, DesiredResource]:
    found = [(p, item) for p, items in desired.items() for item in items if item.key == name]
    if not found:
        raise ConfigError(
            f"no integration {name!r} in {', '.join(paths)}: NAME is the integration's natural "
            "key as its YAML writes it (a Solvimon reference)"
        )
    if len(found) > 1:
        vendors = ", ".join(sorted(p for p, _ in found))
        raise ConfigError(
            f"{name!r} names an integration of several providers ({vendors}): pass only the "
            "file of the one to test"
        )
    return found[0]


def _render(output_format: str, name: str, provider: str, successful: bool, message: str) -> str:
    if output_format == "json":
        body = {"name": name, "provider": provider, "successful": successful, "message": message}
        return json.dumps(body, indent=2)
    verdict = "connection ok" if successful else "connection test failed"
    if output_format == "markdown":
        mark = "✅" if successful else "❌"
        return f"{mark} **{name}** ({provider}): {verdict}: {message}"
    return f"{name} ({provider}): {verdict}: {message}"
