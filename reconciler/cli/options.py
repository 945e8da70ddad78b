"""Options shared by the commands that talk to an API, and the ``--sandbox`` session.

Why shared decorators (the sqlite-utils habit): every API command must accept the same
``--sandbox``/``--api-url``/``--parallelism`` options with the same meaning and help.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import click

# use_color is re-exported: the commands import it from here.
from reconciler.cli.color import use_color as use_color
from reconciler.connect import Connection
from reconciler.planner import DEFAULT_PARALLELISM
from reconciler.providers.base import AnyProvider
from reconciler.providers.registry import all_providers

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_SANDBOX_DB = os.path.join(".reconciler", "sandbox.db")


@dataclass
class ApiOptions:
    sandbox: bool
    sandbox_db: str
    api_url: str | None
    timeout: float
    parallelism: int
    max_rps: float | None


def api_options(func: F) -> F:
    """Adds the options of every command that reads or writes the vendor API."""
    decorators = [
        click.option(
            "--sandbox",
            is_flag=True,
            help="Run against the embedded sandbox (started on 127.0.0.1, state kept in "
            "--sandbox-db, a demo account seeded on first use). No account or key needed.",
        ),
        click.option(
            "--sandbox-db",
            default=DEFAULT_SANDBOX_DB,
            show_default=True,
            envvar="RECONCILER_SANDBOX_DB",
            help="SQLite file of the embedded sandbox.",
        ),
        click.option(
            "--api-url",
            default=None,
            help="Base URL of the vendor API, when the run uses one provider [default: each "
            "provider's <VENDOR>_API_URL, e.g. REVCENT_API_URL, SOLVIMON_API_URL, else its public "
            "URL]. Keys are read from <VENDOR>_API_KEY only.",
        ),
        click.option(
            "--timeout", default=30.0, show_default=True, help="Seconds to wait for one answer."
        ),
        click.option(
            "--parallelism",
            default=DEFAULT_PARALLELISM,
            show_default=True,
            type=click.IntRange(1, 256),
            help="Requests in flight at once.",
        ),
        click.option(
            "--max-rps",
            default=None,
            type=click.FloatRange(min=0.1),
            help="Requests per second at most, across all threads (429 answers also slow down).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def collect(kwargs: dict[str, Any]) -> ApiOptions:
    """Pop the shared options out of a command's keyword arguments."""
    return ApiOptions(
        sandbox=kwargs.pop("sandbox"),
        sandbox_db=kwargs.pop("sandbox_db"),
        api_url=kwargs.pop("api_url"),
        timeout=kwargs.pop("timeout"),
        parallelism=kwargs.pop("parallelism"),
        max_rps=kwargs.pop("max_rps"),
    )


@contextlib.contextmanager
def connection(options: ApiOptions) -> Iterator[Connection]:
    """A Connection to the real API, or to an embedded sandbox started for this command."""
    if not options.sandbox:
        yield Connection(api_url=options.api_url, timeout=options.timeout, max_rps=options.max_rps)
        return
    from reconciler.sandbox import require_server

    require_server()
    from reconciler.sandbox.server import start_sandbox

    os.makedirs(os.path.dirname(options.sandbox_db) or ".", exist_ok=True)
    with start_sandbox(options.sandbox_db, seed_demo=True) as running:
        echo_err(f"sandbox: serving {running.url} (state in {options.sandbox_db})")
        # One sandbox serves every vendor (each under its own paths), with one key.
        yield Connection(
            urls={info.name: running.url for info in all_providers()},
            keys={info.name: running.api_key for info in all_providers()},
            timeout=options.timeout,
            max_rps=options.max_rps,
        )


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def rotate_option(func: F) -> F:
    return click.option(
        "--rotate-credentials",
        "rotate",
        multiple=True,
        metavar="NAME|PROVIDER:NAME|all",
        help="Send credentials again for this integration (repeatable; 'solvimon:tax' names "
        "one vendor's), or 'all'.",
    )(func)


@contextlib.contextmanager
def open_providers(conn: Connection, names: Iterable[str]) -> Iterator[dict[str, AnyProvider]]:
    """One open provider per name, closed when the block ends."""
    providers = conn.open(names)
    try:
        yield providers
    finally:
        for provider in providers.values():
            provider.close()


_FORMAT_HELP = "Output format ('github': workflow-command annotations, and the job summary)."


def output_format_option(choices: tuple[str, ...]) -> Callable[[F], F]:
    """``--format`` with the forms one command offers (validate has no Markdown, apply no
    annotations)."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(list(choices)),
            default="text",
            show_default=True,
            help="Output format"
            + (
                " ('github': workflow-command annotations and the job summary)."
                if "github" in choices
                else "."
            ),
        )(func)

    return decorate


format_option = output_format_option(("text", "json", "markdown"))
