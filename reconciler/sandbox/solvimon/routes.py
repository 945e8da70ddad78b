"""The vendor's routes: Solvimon's ``/v1/integrations`` endpoints, with Idempotency-Key on POST.

Why idempotency lives here: it is a property of the HTTP exchange (same key, same method, path
and body → the first answer again, nothing done twice), remembered in SQLite so it holds
across restarts; the service below never sees a replay.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, cast
from urllib.parse import urlencode

from aiohttp import web

from reconciler.sandbox.context import ConnectionDropped, parse_json, reply, state_of
from reconciler.sandbox.faults import Alterable
from reconciler.sandbox.paging import MAX_PAGE, bounds, count_param
from reconciler.sandbox.solvimon import VENDOR, connection, rules
from reconciler.sandbox.solvimon.errors import SolvimonFailure
from reconciler.sandbox.solvimon.service import SolvimonService
from reconciler.sandbox.solvimon.store import ORDERS

routes = web.RouteTableDef()

BASE = "/v1/integrations"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100  # [assumed]: the spec gives no bounds
IDEMPOTENCY_HEADER = "Idempotency-Key"
# The fixed paths under BASE are never an integration id (else POST .../test-connection would be
# "activate an integration called test-connection" and GET .../e-invoicing a 404 by id).
RESERVED = ("test-connection", "e-invoicing")
ID = "{id:(?!(?:" + "|".join(RESERVED) + ")(?![^/]))[^/]+}"  # a reserved word, whole segment


def _service(request: web.Request) -> SolvimonService:
    return state_of(request).account(VENDOR.name, SolvimonService)


def _bad(field: str, message: str) -> SolvimonFailure:
    return SolvimonFailure(400, "BAD_REQUEST", f"{field}: {message}", field=field)


def _list_params(query: Mapping[str, str]) -> tuple[int, int, str, bool]:
    """``limit`` (1..100, default 25), ``page`` (1..MAX_PAGE), ``order_by``, ``order_direction``."""
    numbers = []
    for name, default, top in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("page", 1, MAX_PAGE)):
        value = count_param(query, name, default, top)
        if value is None:
            raise _bad(name, f"must be {bounds(top)}")
        numbers.append(value)
    order_by = query.get("order_by", "created_at")
    if order_by not in ORDERS:
        raise _bad("order_by", f"must be one of {', '.join(ORDERS)}")
    direction = query.get("order_direction", "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise _bad("order_direction", "must be ASC or DESC")
    return numbers[0], numbers[1], order_by, direction == "DESC"


def _link(query: Mapping[str, str], limit: int, page: int) -> str:
    kept = {k: v for k, v in query.items() if k in ("order_by", "order_direction")}
    return f"{BASE}?{urlencode({**kept, 'limit': limit, 'page': page})}"


@routes.get(BASE)
async def list_integrations(request: web.Request) -> web.Response:
    limit, page, order_by, descending = _list_params(request.query)
    data, pages = _service(request).list_page(limit, page, order_by, descending)
    q = request.query
    links = {
        "first": _link(q, limit, 1),
        "previous": _link(q, limit, page - 1) if page > 1 else None,
        "current": _link(q, limit, page),
        "next": _link(q, limit, page + 1) if page < pages else None,
    }
    return reply(
        {
            "data": data,
            "page": page,
            "limit": limit,
            "total_number_of_pages": pages,
            "links": links,
        }
    )


@routes.post(BASE + "/test-connection")
async def test_connection(request: web.Request) -> web.Response:
    """Changes nothing, so no Idempotency-Key handling: a repeat is as harmless as a GET."""
    kind = connection.check_query(request.query)
    raw = await request.read()
    body = rules.check_authentication(parse_json(raw) if raw else None)
    return reply(connection.connection_result(kind, body))


@routes.get(BASE + "/e-invoicing/default-mandates")
async def default_mandates(request: web.Request) -> web.Response:
    """A bare array (the spec's); paged like the list, ordered by ``name`` or ``country``."""
    q = request.query
    numbers = []
    for name, default, top in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("page", 1, MAX_PAGE)):
        value = count_param(q, name, default, top)
        if value is None:
            raise _bad(name, f"must be {bounds(top)}")
        numbers.append(value)
    order_by = q.get("order_by", "name")
    if order_by not in connection.MANDATE_ORDERS:
        raise _bad("order_by", f"must be one of {', '.join(connection.MANDATE_ORDERS)}")
    direction = q.get("order_direction", "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise _bad("order_direction", "must be ASC or DESC")
    page = connection.default_mandates(numbers[0], numbers[1], order_by, direction == "DESC")
    return web.json_response(page)


@routes.get(BASE + "/" + ID)
async def get_integration(request: web.Request) -> web.Response:
    return reply(_service(request).get(request.match_info["id"]))


@routes.post(BASE)
async def create_integration(request: web.Request) -> web.Response:
    return await _idempotent(request, lambda body: (201, _service(request).create(body)))


@routes.patch(BASE + "/" + ID)
async def update_integration(request: web.Request) -> web.Response:
    state = state_of(request)
    body = parse_json(await request.read())

    def alter(rec: dict[str, Any], sent: dict[str, Any]) -> bool:
        # The shared alter fault decides: the sent name gets " (altered)".
        text = _Text(rec["name"], rec["description"])
        sent_text = {"name": sent["name"], "description": sent["description"]}
        if not state.faults.alter(cast(Alterable, text), sent_text, lambda _name: True):
            return False
        rec["name"], rec["description"] = text.name, text.description
        state.stats.event("altered")
        return True

    answer = _service(request).update(request.match_info["id"], body, alter=alter)
    _maybe_drop(request)
    return reply(answer)


@routes.delete(BASE + "/" + ID)
async def delete_integration(request: web.Request) -> web.Response:
    answer = _service(request).delete(request.match_info["id"])
    _maybe_drop(request)
    return reply(answer)


def _status_route(action: str) -> None:
    async def handler(request: web.Request) -> web.Response:
        integration_id = request.match_info["id"]
        return await _idempotent(
            request, lambda _body: (200, _service(request).change_status(integration_id, action))
        )

    handler.__name__ = f"{action}_integration"
    routes.post(f"{BASE}/{ID}/{action}")(handler)


for _action in ("activate", "deprecate", "archive"):
    _status_route(_action)


class _Text:
    """The part of a stored Solvimon integration the shared alter fault may change."""

    def __init__(self, name: str, description: str):
        self.name = name
        self.description = description


async def _idempotent(
    request: web.Request, work: Callable[[Any], tuple[int, dict[str, Any]]]
) -> web.Response:
    """Run a POST once per Idempotency-Key: a repeat with the same method, path and body gets
    the first answer (success or refusal) and changes nothing; another body is refused."""
    raw = await request.read()
    body = parse_json(raw) if raw else None
    key = request.headers.get(IDEMPOTENCY_HEADER)
    state = state_of(request)
    if state.faults.ignore_idempotency():
        key = None  # fault: an API that does not honour the key
    db = _service(request).db
    fingerprint = ""
    if key is not None:
        if not 1 <= len(key) <= 255:
            raise _bad(IDEMPOTENCY_HEADER, "must be 1..255 characters")
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        fingerprint = hashlib.sha256(
            f"{request.method} {request.path}\n{canonical}".encode()
        ).hexdigest()
        found = db.recall(key)
        if found is not None:
            if found.fingerprint != fingerprint:
                raise SolvimonFailure(
                    400,
                    "IDEMPOTENCY_CHECK_FAILED",
                    f"{IDEMPOTENCY_HEADER}: already used with another method, path or body",
                    field=IDEMPOTENCY_HEADER,
                )
            db.count_replay(key)
            state.stats.event("idempotent_replays")
            _maybe_drop(request)
            resp = reply(found.answer, status=found.status)
            resp.headers["Idempotent-Replayed"] = "true"
            return resp
    try:
        status, answer = work(body)
    except SolvimonFailure as exc:
        if key is not None:
            db.remember(key, fingerprint, exc.status, exc.body())
        raise
    if key is not None:
        db.remember(key, fingerprint, status, answer)
    _maybe_drop(request)
    return reply(answer, status=status)


def _maybe_drop(request: web.Request) -> None:
    # After the write (or the replayed answer) is settled: the client sees a transport error
    # for a change that did happen, the case a retry must not duplicate.
    if state_of(request).faults.drop():
        raise ConnectionDropped
