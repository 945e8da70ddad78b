"""Sandbox-only routes under ``/_sandbox/``: reconfigure faults, read stats, reset, seed, drift.

The vendor has none of these. They exist so tests and benchmarks can steer a running sandbox
over HTTP, the same way they talk to it otherwise. They take the API key but no faults.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from reconciler.sandbox.apierror import ApiFailure
from reconciler.sandbox.context import ADMIN_PREFIX, read_json, reply, state_of
from reconciler.sandbox.demo import seed_demo_account
from reconciler.sandbox.envelope import success
from reconciler.sandbox.faults import FaultConfig

routes = web.RouteTableDef()


def _object(body: Any, allowed: dict[str, type]) -> dict[str, Any]:
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
    state_of(request).stats.reset()
    return reply(success(result="stats reset"))


@routes.post(ADMIN_PREFIX + "reset")
async def reset(request: web.Request) -> web.Response:
    """Delete every integration and the demo flag; ``{"seed_demo": true}`` seeds it again."""
    body = _object(await _optional_json(request), {"seed_demo": bool})
    service = state_of(request).service
    service.store.clear()
    seeded = seed_demo_account(service) if body.get("seed_demo") else False
    return reply(success(result="sandbox reset", demo_seeded=seeded))


@routes.post(ADMIN_PREFIX + "integrations/{id}/forget_credentials")
async def forget_credentials(request: web.Request) -> web.Response:
    integration_id = request.match_info["id"]
    state_of(request).service.forget_credentials(integration_id)
    return reply(
        success(user_third_party_integration_id=integration_id, result="credentials forgotten")
    )


@routes.post(ADMIN_PREFIX + "seed")
async def seed(request: web.Request) -> web.Response:
    """Bulk-create ``count`` complete integrations named ``prefix`` + number, for benchmarks."""
    body = _object(await read_json(request), {"count": int, "prefix": str})
    if "count" not in body:
        raise ApiFailure("invalid_request", "body: missing required property 'count'")
    ids = state_of(request).service.seed_bulk(body["count"], body.get("prefix", "bench-"))
    return reply(success(result="integrations created", created=len(ids), ids=ids))


@routes.post(ADMIN_PREFIX + "secure_forms/{id}/age")
async def age_secure_form(request: web.Request) -> web.Response:
    """Move a secure form ``seconds`` into the past (3600 expires it), to test expiry."""
    body = _object(await read_json(request), {"seconds": int})
    seconds = body.get("seconds")
    if seconds is None or not 0 <= seconds <= 10 * 86400:
        raise ApiFailure("invalid_request", "seconds: must be an integer within 0..864000")
    forms = state_of(request).service.forms
    form = forms.age(request.match_info["id"], seconds)
    return reply(success(**form.view(forms.now())))
