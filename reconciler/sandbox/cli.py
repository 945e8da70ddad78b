"""``sandbox serve`` and ``sandbox reset``: a click group the main CLI attaches as a subcommand."""

from __future__ import annotations

import ipaddress
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.cli.aliases import AliasedOption
from reconciler.sandbox import DEFAULT_API_KEY, require_server
from reconciler.sandbox.faults import ENV, FaultConfig
from reconciler.sandbox.registry import vendors
from reconciler.sandbox.store import DEFAULT_DB, Store

F = TypeVar("F", bound=Callable[..., Any])

# (flag, FaultConfig field, type, help); each flag also reads its RECONCILER_SANDBOX_* variable.
_FAULT_FLAGS: list[tuple[str, str, Any, str]] = [
    ("--latency-ms", "latency_ms", click.FloatRange(min=0), "Added to every API request."),
    ("--jitter-ms", "jitter_ms", click.FloatRange(min=0), "Plus uniform 0..N ms."),
    ("--rate-limit", "rate_limit", click.FloatRange(min=0), "Requests/second; 0 = unlimited."),
    (
        "--rate-limit-burst",
        "rate_limit_burst",
        click.FloatRange(min=0),
        "Token bucket size; 0 = one second's worth.",
    ),
    ("--error-rate", "error_rate", click.FloatRange(0, 1), "Fraction answered 500/503."),
    (
        "--drop-rate",
        "drop_rate",
        click.FloatRange(0, 1),
        "Fraction of committed writes whose connection is dropped.",
    ),
    (
        "--alter-rate",
        "alter_rate",
        click.FloatRange(0, 1),
        "Fraction of Edits stored differently from what was sent.",
    ),
    ("--fault-seed", "seed", int, "Seed making fault decisions reproducible."),
]


def _db_option(func: F) -> F:
    return click.option(
        "--sandbox-db",
        "db",
        cls=AliasedOption,
        aliases=("--db",),  # the name before 0.1.0's flag review: still accepted, not shown
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        envvar="RECONCILER_SANDBOX_DB",
        help="SQLite file of the sandbox account.",
    )(func)


def _fault_options(func: F) -> F:
    for flag, name, kind, text in reversed(_FAULT_FLAGS):
        func = click.option(
            flag, name, type=kind, default=None, envvar=ENV[name], show_envvar=True, help=text
        )(func)
    return func


def exposure_warning(host: str, api_key: str) -> str | None:
    """The warning to print when ``host`` reaches beyond this machine and the key is the
    well-known default (anyone who can connect could then read and change the account)."""
    if api_key != DEFAULT_API_KEY or _loopback(host):
        return None
    return (
        f"warning: the sandbox listens on {host or 'every interface'}, beyond this machine, "
        f"with the well-known default API key '{DEFAULT_API_KEY}'; anyone who can reach it "
        "can read and change its data. Set --api-key (or RECONCILER_SANDBOX_API_KEY) to a "
        "secret value, or serve on --host 127.0.0.1."
    )


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def _summary() -> str:
    """The group's help: every registered vendor with its first path prefix."""
    names = [f"{v.title} ({v.prefixes[0]})" for v in vendors()]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"A local, vendor-faithful {listed} API to run against."


@click.group("sandbox", help=_summary())
def sandbox() -> None:
    pass


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535))
@_db_option
@click.option(
    "--api-key",
    default=DEFAULT_API_KEY,
    envvar="RECONCILER_SANDBOX_API_KEY",
    show_default=True,
    help="The x-api-key clients must send.",
)
@_fault_options
@click.option(
    "--seed-demo/--no-seed-demo",
    default=True,
    show_default=True,
    help="Create the demo account on a database never seeded before.",
)
@click.option("--verbose", "-v", is_flag=True, help="Log one line per request on stderr.")
def serve(
    host: str,
    port: int,
    db: Path,
    api_key: str,
    seed_demo: bool,
    verbose: bool,
    **faults: Any,
) -> None:
    """Serve the sandbox until Ctrl-C.

    Example: reconciler sandbox serve --latency-ms 50 --rate-limit 20
    """
    config = FaultConfig(**{k: v for k, v in faults.items() if v is not None})
    warning = exposure_warning(host, api_key)
    if warning is not None:
        click.echo(warning, err=True)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger = logging.getLogger("reconciler.sandbox")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    # The key is shown only when it is the well-known default, never a custom one.
    shown_key = api_key if api_key == DEFAULT_API_KEY else "(the one you configured)"

    def ready(url: str) -> None:
        main = vendors()[0].title  # the registry's first vendor names the sandbox
        click.echo(f"{main} sandbox on {url}  x-api-key: {shown_key}  database: {db}")
        active = {k: v for k, v in config.to_dict().items() if v}
        if active:
            click.echo("faults: " + ", ".join(f"{k}={v}" for k, v in active.items()))

    require_server()
    from reconciler.sandbox.server import serve_forever

    try:
        serve_forever(
            db,
            host=host,
            port=port,
            api_key=api_key,
            faults=config,
            seed_demo=seed_demo,
            on_ready=ready,
        )
    except OSError as exc:
        raise click.ClickException(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}"
        ) from None


@sandbox.command()
@_db_option
def reset(db: Path) -> None:
    """Delete every integration in the sandbox database (the demo is seeded again at start)."""
    store = Store(db)
    try:
        store.clear()
    finally:
        store.close()
    click.echo(f"sandbox database reset: {db}")
