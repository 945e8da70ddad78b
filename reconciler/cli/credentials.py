"""``reconciler credentials NAME``: a person enters an integration's credentials in a Secure Form.

Interactive on purpose: the point is that no secret passes through CI, YAML or this tool.
The workflow itself (form, wait, save, verify, re-check) is in the RevCent provider.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.options import api_options, collect, connection, echo_err
from reconciler.errors import ConfigError
from reconciler.providers.revcent import secureform
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.providers.revcent.state import LiveIntegration
from reconciler.workspace import load_workspace


@click.command()
@click.argument("name")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--wait",
    "without_terminal",
    is_flag=True,
    help="Wait for the form even without a terminal (scripts, tests): the URL is printed "
    "alone on stdout for whoever opens it.",
)
@click.option(
    "--poll-interval",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0.05, 60),
    help="Seconds between two checks whether the form is completed.",
)
@api_options
def credentials(
    name: str, paths: tuple[str, ...], without_terminal: bool, poll_interval: float, **kwargs: Any
) -> int:
    """Have a person enter NAME's credentials in a RevCent Secure Form, then save and verify.

    Interactive, not for CI. Creates a one-hour secure form for the integration's site
    integration, prints its URL, waits until it is completed, saves the credentials with it,
    reads the integration back to verify they are saved, and re-checks the asset options the
    new credentials offer. With PATHS, NAME is the YAML document (credentials.secure_form:
    true) and its wanted asset values are re-checked too.

    \b
    Examples:
      reconciler credentials 'Shipping - ShipStation' integrations/
      reconciler credentials 'Shipping - ShipStation' --sandbox
    """
    options = collect(kwargs)
    if not without_terminal and not sys.stdin.isatty():
        raise ConfigError(
            "reconciler credentials is interactive: a person fills in the form; run it in a "
            "terminal (or pass --wait to wait without one)"
        )
    desired = _desired(name, paths) if paths else None
    with connection(options) as conn:
        provider = conn.open(["revcent"])["revcent"]
        assert isinstance(provider, RevCentProvider)
        try:
            return _run(provider, name, desired, paths, poll_interval)
        finally:
            provider.close()


def _desired(name: str, paths: tuple[str, ...]) -> DesiredIntegration:
    workspace = load_workspace(paths)
    found = [d for d in workspace.desired.get("revcent", []) if d.key == name]
    if not found:
        raise ConfigError(f"no RevCent integration is called {name!r} in {', '.join(paths)}")
    item = found[0]
    assert isinstance(item, DesiredIntegration)
    creds = item.credentials
    if creds is None or creds.sent:
        where = item.document.location("credentials")
        raise ConfigError(
            f"{where}: {name}: the YAML does not say its credentials are entered by a person; "
            "write credentials: {id: …, secure_form: true} (apply would otherwise send or "
            "leave them)"
        )
    return item


def _run(
    provider: RevCentProvider,
    name: str,
    desired: DesiredIntegration | None,
    paths: tuple[str, ...],
    poll_interval: float,
) -> int:
    api = provider.client.api
    integration_id = desired.id if desired is not None and desired.id else None
    if integration_id is None:
        integration_id = provider.find_by_key(name)
    if integration_id is None:
        raise ConfigError(
            f"{name!r} does not exist in RevCent: run 'reconciler apply' first (it creates it "
            "without credentials, disabled)"
        )
    live = provider.get_live(integration_id)
    site = live.catalog
    credential_id = site.credential_id
    if not credential_id:
        raise ConfigError(f"{name}: site integration {site.name!r} takes no credentials")
    if desired is not None and desired.credentials and desired.credentials.id != credential_id:
        raise ConfigError(
            f"{name}: the YAML's credential id {desired.credentials.id!r} is not the site "
            f"integration's {credential_id!r}: run 'reconciler validate --live'"
        )
    if secureform.credentials_saved(live, credential_id):
        echo_err(f"{name}: credentials {credential_id!r} are saved; the form replaces them")

    form = secureform.create_form(api, site.site_id)
    expires = time.strftime("%H:%M UTC", time.gmtime(form.expires_unix))
    echo_err(
        f"Open this secure form in a browser and enter the {site.name} credentials "
        f"for {name!r} (expires {expires}):"
    )
    click.echo(form.url)  # alone on stdout: for a person, or a script handing it on
    sys.stdout.flush()
    echo_err("waiting for the form to be completed (Ctrl-C to stop; nothing is saved until then)…")
    try:
        secureform.wait_until_completed(api, form, poll_interval=poll_interval)
    except KeyboardInterrupt:
        echo_err(f"Interrupted: nothing was saved; the form expires unused at {expires}.")
        return exitcodes.INTERRUPTED
    except secureform.FormExpired as exc:
        echo_err(f"error: {name}: {exc}")
        return exitcodes.ERROR

    echo_err("form completed; saving the credentials with it")
    secureform.save_with_form(api, integration_id, form.id)
    live = provider.get_live(integration_id)
    if not secureform.credentials_saved(live, credential_id):
        echo_err(
            f"error: {name}: RevCent accepted the form but the read-back does not show "
            f"credentials {credential_id!r} saved; check the integration in RevCent"
        )
        return exitcodes.ALTERED
    echo_err(f"credentials {credential_id!r} are saved for {name!r} (checked by reading it back)")
    return _recheck(name, live, desired, paths)


def _recheck(
    name: str, live: LiveIntegration, desired: DesiredIntegration | None, paths: tuple[str, ...]
) -> int:
    """New credentials may offer other assets [doc]: report them, stop on stale values."""
    fields = secureform.recheck_assets(live, desired)
    for field in fields:
        echo_err(f"assets now offered: {field.path}: {', '.join(field.offered) or 'none'}")
    stale = [f for f in fields if f.stale]
    for field in stale:
        now = ", ".join(field.offered) or "none"
        which = "saved or wanted by the YAML" if field.wanted is not None else "saved"
        echo_err(
            f"error: {name}: {field.path}: {', '.join(map(repr, field.stale))} ({which}) is no "
            f"longer offered by the account with the new credentials (assets now: {now}); "
            f"choose one of them for {field.path} in the YAML, then plan (nothing is guessed)"
        )
    if stale:
        return exitcodes.ERROR
    target = " ".join(paths) if paths else "PATHS"
    echo_err(f"next: reconciler plan {target}   (options and enabling, as the YAML says)")
    return exitcodes.OK
