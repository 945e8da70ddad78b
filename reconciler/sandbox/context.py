"""What every handler shares: the sandbox's state in the app, and JSON in and out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from reconciler.sandbox.bodies import parse_json
from reconciler.sandbox.faults import FaultInjector
from reconciler.sandbox.service import IntegrationService
from reconciler.sandbox.solvimon.service import SolvimonService
from reconciler.sandbox.stats import Stats

ADMIN_PREFIX = "/_sandbox/"


@dataclass
class SandboxState:
    """One running sandbox: its accounts (RevCent, Solvimon), faults, counters and key."""

    service: IntegrationService
    faults: FaultInjector
    stats: Stats
    api_key: str
    solvimon: SolvimonService | None = None  # the /v1/ routes; same database, same key


STATE = web.AppKey("sandbox_state", SandboxState)


class ConnectionDropped(Exception):
    """Raised after a committed write to close the connection without any answer."""


def state_of(request: web.Request) -> SandboxState:
    return request.app[STATE]


async def read_json(request: web.Request) -> Any:
    """The decoded body (any JSON value; the schemas judge its shape), or ``invalid_json``."""
    return parse_json(await request.read())


def reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status)
