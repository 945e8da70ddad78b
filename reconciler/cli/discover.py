"""What ``catalog`` and ``assets`` share: which providers to ask, and their discovery objects.

Why: both commands ask the providers given by ``--provider``, else every provider whose API
key is set (with ``--sandbox``, all), and both need each provider's read-only discovery.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from reconciler.connect import Connection
from reconciler.errors import ConfigError
from reconciler.providers.discovery import Discovery
from reconciler.providers.registry import all_providers

F = TypeVar("F", bound=Callable[..., Any])


def provider_option(func: F) -> F:
    return click.option(
        "--provider",
        type=click.Choice([info.name for info in all_providers()]),
        default=None,
        help="Ask this provider only [default: every provider whose API key is set; with "
        "--sandbox, all].",
    )(func)


@contextlib.contextmanager
def discoveries(conn: Connection, provider: str | None) -> Iterator[dict[str, Discovery]]:
    """Provider name -> its discovery, for the providers this run asks; closed afterwards."""
    names = [provider] if provider else conn.configured()
    if not names:
        keys = " or ".join(info.env_key for info in all_providers())
        raise ConfigError(
            f"no API key is set: export {keys} in the environment (never on the command "
            "line), or add --sandbox to run against the local sandbox"
        )
    providers = conn.open(names)
    try:
        found: dict[str, Discovery] = {}
        for name, opened in providers.items():
            make = getattr(opened, "discovery", None)
            if make is None:
                raise ConfigError(f"{name}: this provider offers no discovery")
            found[name] = make()
        yield found
    finally:
        for opened in providers.values():
            opened.close()
