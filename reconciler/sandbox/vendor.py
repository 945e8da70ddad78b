"""The seam between the sandbox's core and one vendor's part of it.

Why two objects: a ``SandboxVendor`` is what the registry and ``sandbox --help`` read, and it
imports nothing but this module (the CLI must work without aiohttp); its ``load`` imports the
vendor's ``Serving`` (routes and hooks) only when a server starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from aiohttp import web

    from reconciler.sandbox.apierror import ApiFailure
    from reconciler.sandbox.store import Store

Account = TypeVar("Account")


def x_api_key(request: web.Request) -> str | None:
    """The key sent in ``x-api-key`` (any case), the default way a client authenticates."""
    return request.headers.get("x-api-key")


def _no_headers(response: web.StreamResponse) -> None:
    return None


def _bare(fields: dict[str, Any]) -> dict[str, Any]:
    return fields


@dataclass(frozen=True)
class Serving(Generic[Account]):
    """What a running sandbox takes from one vendor: routes, its account, its shapes."""

    routes: tuple[web.RouteTableDef, ...]
    # Its account on the shared database (its tables made if missing), one per server.
    open_account: Callable[[Store], Account]
    # Its demo integrations, once per database (its own meta flag); True if it seeded now.
    seed_demo: Callable[[Account], bool]
    # A core failure (auth, routing, faults, bad JSON, bugs) in the vendor's error body.
    render_error: Callable[[ApiFailure], web.Response]
    # The API key a request sent, by the vendor's rules; None if it sent none.
    read_key: Callable[[web.Request], str | None] = x_api_key
    # Called with every answer on the vendor's paths (not a dropped connection): headers.
    on_answer: Callable[[web.StreamResponse], None] = _no_headers
    # Pages a person's browser opens without the API key (the URL holds a token): no key, no
    # faults, and the log shows the prefix only.
    open_prefixes: tuple[str, ...] = ()
    # The body of a success answer of the sandbox's own routes (``/_sandbox/``); only the
    # first vendor's is used, as it answers every path no vendor claims.
    envelope: Callable[[dict[str, Any]], dict[str, Any]] = _bare


@dataclass(frozen=True)
class SandboxVendor:
    """One vendor's part of the sandbox, as the core knows it; each vendor package exports one
    as ``VENDOR`` and ``registry.VENDORS`` names the package."""

    name: str  # the key of its account in the running sandbox
    title: str  # how ``sandbox --help`` and the serve banner name it
    # Its API paths: errors there take its shape, the key is read its way, it adds headers.
    prefixes: tuple[str, ...]
    load: Callable[[], Serving[Any]]  # imports the serving part (aiohttp) on first use

    @cached_property
    def serving(self) -> Serving[Any]:
        return self.load()

    def claims(self, path: str) -> bool:
        """Whether ``path`` is one of this vendor's (its API or an open page)."""
        return path.startswith(self.prefixes) or path.startswith(self.serving.open_prefixes)
