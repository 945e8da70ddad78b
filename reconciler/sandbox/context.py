"""What every handler shares: the sandbox's state in the app, and JSON in and out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from reconciler.sandbox.apierror import ApiFailure
from reconciler.sandbox.faults import FaultInjector
from reconciler.sandbox.stats import Stats
from reconciler.sandbox.store import Store
from reconciler.sandbox.vendor import SandboxVendor

ADMIN_PREFIX = "/_sandbox/"
T = TypeVar("T")


@dataclass
class SandboxState:
    """One running sandbox: its database, each vendor's account on it, faults, counters, key."""

    store: Store
    faults: FaultInjector
    stats: Stats
    api_key: str
    vendors: tuple[SandboxVendor, ...]  # registry order: the first answers unclaimed paths
    accounts: dict[str, object] = field(init=False)  # vendor name -> its service, on ``store``
    open_prefixes: tuple[str, ...] = field(init=False)  # every vendor's, for the middlewares

    def __post_init__(self) -> None:
        if not self.vendors:
            raise ValueError("a sandbox serves at least one vendor")
        names = [v.name for v in self.vendors]
        if len(set(names)) != len(names):
            raise ValueError(f"two vendors share a name: {names}")
        self.accounts = {v.name: v.serving.open_account(self.store) for v in self.vendors}
        self.open_prefixes = tuple(p for v in self.vendors for p in v.serving.open_prefixes)

    def vendor_for(self, path: str) -> SandboxVendor:
        """The vendor whose path this is; for paths no vendor claims, the first."""
        for vendor in self.vendors:
            if vendor.claims(path):
                return vendor
        return self.vendors[0]

    def account(self, name: str, kind: type[T]) -> T:
        """The account (service) of vendor ``name``, checked to be a ``kind``."""
        service = self.accounts.get(name)
        if not isinstance(service, kind):
            raise LookupError(f"the sandbox was started without its {name} part")
        return service

    def seed_demo(self) -> bool:
        """Seed every vendor's demo integrations not seeded before; True if any was."""
        seeded = [v.serving.seed_demo(self.accounts[v.name]) for v in self.vendors]
        return any(seeded)

    def envelope(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A success body of the sandbox's own routes, shaped as the first vendor's."""
        return self.vendors[0].serving.envelope(fields)


STATE = web.AppKey("sandbox_state", SandboxState)


class ConnectionDropped(Exception):
    """Raised after a committed write to close the connection without any answer."""


def state_of(request: web.Request) -> SandboxState:
    return request.app[STATE]


def parse_json(raw: bytes) -> Any:
    """The decoded body (any JSON value; the schemas judge its shape), or ``invalid_json``."""
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise ApiFailure("invalid_json", "the request body is not valid JSON") from None


async def read_json(request: web.Request) -> Any:
    """The decoded body of ``request``, or ``invalid_json``."""
    return parse_json(await request.read())


def reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


def reply_encoded(text: str, status: int = 200) -> web.Response:
    """``reply`` of a body already encoded by ``json.dumps``: the same answer, headers and all."""
    return web.Response(text=text, status=status, content_type="application/json")
