"""Sandbox-only routes under ``/_sandbox/``: reconfigure faults, read stats, reset, seed.

The vendors have none of these. They exist so tests and benchmarks can steer a running sandbox
over HTTP, the same way they talk to it otherwise. They take the API key but no faults. A
vendor adds its own under the same prefix (its package's admin routes).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from reconciler.sandbox.apierror import ApiFailure
from reconciler.sandbox.context import ADMIN_PREFIX, read_json, reply, state_of
from reconciler.sandbox.faults import FaultConfig

routes = web.RouteTableDef()


def check_object(body: Any, allowed: dict[str, type]) -> dict[str, Any]:
    """``body`` if it is an object whose keys are ``allowed`` with the right types."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiFailure("invalid_request", "body: must be of type object")
    for key, value in body.items():
        kind = allowed.get(key)
        if kind is None:
            raise ApiFailure("invalid_request", f"body: unknown property '{key}'")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ApiFailure("invalid_request", f"{key}: must be of type {kind.__name__}")
    return body


async def _optional_json(request: web.Request) -> Any:
    return await read_json(request) if await request.read() else None


@routes.get(ADMIN_PREFIX + "faults")
async def get_faults(request: web.Request) -> web.Response:
    return reply(state_of(request).faults.config.to_dict())


@routes.put(ADMIN_PREFIX + "faults")
async def put_faults(request: web.Request) -> web.Response:
    """Replace the fault configuration (missing keys take their defaults)."""
    try:
        config = FaultConfig.from_dict(await read_json(request))
    except ValueError as exc:
        raise ApiFailure("invalid_request", str(exc)) from None
    state_of(request).faults.configure(config)
    return reply(config.to_dict())


@routes.get(ADMIN_PREFIX + "stats")
async def get_stats(request: web.Request) -> web.Response:
    return reply(state_of(request).stats.snapshot())


@routes.post(ADMIN_PREFIX + "stats/reset")
async def reset_stats(request: web.Request) -> web.Response:
    state = state_of(request)
    state.stats.reset()
    return reply(state.envelope({"result": "stats reset"}))


@routes.post(ADMIN_PREFIX + "reset")
async def reset(request: web.Request) -> web.Response:
    """Delete every vendor's integrations and demo flags; ``{"seed_demo": true}`` seeds again."""
    body = check_object(await _optional_json(request), {"seed_demo": bool})
    state = state_of(request)
    state.store.clear()
    seeded = state.seed_demo() if body.get("seed_demo") else False
    return reply(state.envelope({"result": "sandbox reset", "demo_seeded": seeded}))
