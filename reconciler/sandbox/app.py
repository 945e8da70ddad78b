"""The aiohttp application: routes plus the middlewares every request passes through.

Order, outermost first: ``_outer`` (error envelope, dropped connections, stats, access log),
then ``_guard`` (API key, then — for API routes only — latency, rate limit, 5xx faults).
Errors take the shape of the vendor whose path was asked: Solvimon's under ``/v1/`` (with an
``X-REQUEST-ID`` on every answer there), RevCent's envelope everywhere else.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import unicodedata
from collections.abc import Awaitable, Callable

from aiohttp import web

from reconciler.sandbox import admin, api, formpage
from reconciler.sandbox.apierror import ApiFailure
from reconciler.sandbox.context import (
    ADMIN_PREFIX,
    STATE,
    ConnectionDropped,
    SandboxState,
    reply,
    state_of,
)
from reconciler.sandbox.envelope import failure
from reconciler.sandbox.faults import format_retry_after
from reconciler.sandbox.secureforms import FORM_PATH
from reconciler.sandbox.solvimon import errors as solvimon_errors
from reconciler.sandbox.solvimon import routes as solvimon_routes

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

access_log = logging.getLogger("reconciler.sandbox.access")
log = logging.getLogger("reconciler.sandbox")


def create_app(state: SandboxState) -> web.Application:
    """The sandbox's web application serving ``state``."""
    app = web.Application(middlewares=[_outer, _guard])
    app[STATE] = state
    app.add_routes(api.routes)
    app.add_routes(solvimon_routes.routes)
    app.add_routes(admin.routes)
    app.add_routes(formpage.routes)
    return app


def _error(exc: ApiFailure, request: web.Request) -> web.Response:
    if solvimon_errors.is_solvimon(request.path):
        return solvimon_errors.render(solvimon_errors.translate(exc))
    resp = reply(failure(exc.error_code, exc.message), status=exc.status)
    resp.headers.update(exc.headers)
    return resp


def printable(text: str) -> str:
    """``text`` safe for a one-line log: control and line-breaking characters escaped.

    Why: paths are percent-decoded, so ``/v2/x%0A... 200`` would otherwise print a forged
    second log line, and ``%1B`` would send terminal escapes. Backslashes are doubled so an
    escape in the log is never ambiguous with one the client sent literally.
    """
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            else:
                out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _logged_path(path: str) -> str:
    """``path`` for the log: a secure form page's token (it opens the form) left out."""
    return FORM_PATH + "…" if path.startswith(FORM_PATH) else path


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "(unknown route)"


@web.middleware
async def _outer(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status: int | None
    try:
        resp = await _answer(request, handler)
        status = resp.status
    except ConnectionDropped:
        if request.transport is not None:
            # abort(), not close(): nothing buffered may reach the client, not even a FIN-ed
            # partial answer; httpx then reports "Server disconnected without a response".
            request.transport.abort()
        resp = web.Response(status=499)  # never sent: the transport is gone
        status = None
    if status is not None and solvimon_errors.is_solvimon(request.path):
        resp.headers[solvimon_errors.REQUEST_ID] = solvimon_errors.new_request_id()
    if not request.path.startswith(ADMIN_PREFIX):
        state_of(request).stats.request(request.method, _route(request), status)
    if access_log.isEnabledFor(logging.INFO):
        # Method, path, status and time only: bodies and query values are never logged.
        ms = (time.perf_counter() - started) * 1000
        shown = status if status is not None else "dropped"
        method, path = printable(request.method), printable(_logged_path(request.path))
        access_log.info("%s %s %s %.1fms", method, path, shown, ms)
    return resp


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiFailure as exc:
        return _error(exc, request)
    except solvimon_errors.SolvimonFailure as exc:
        return solvimon_errors.render(exc)
    except web.HTTPNotFound:
        failure_ = ApiFailure("not_found", f"no route for {request.method} {request.path}")
        return _error(failure_, request)
    except web.HTTPRequestEntityTooLarge:
        return _error(ApiFailure("body_too_large", "the request body is over 1 MiB"), request)
    except web.HTTPMethodNotAllowed as exc:
        allowed = ", ".join(sorted(exc.allowed_methods))
        failure_ = ApiFailure(
            "method_not_allowed",
            f"{request.method} is not allowed on {request.path} (allowed: {allowed})",
            headers={"Allow": allowed},
        )
        return _error(failure_, request)
    except (ConnectionDropped, web.HTTPException):
        raise  # a drop is the outer middleware's job; no other HTTPException is raised here
    except Exception:
        log.exception(
            "sandbox bug answering %s %s", printable(request.method), printable(request.path)
        )
        return _error(ApiFailure("internal_error", "the sandbox failed; see its log"), request)


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = state_of(request)
    if request.path.startswith(FORM_PATH):
        return await handler(request)  # a person's browser: the URL token opens the form
    _authenticate(request, state.api_key)
    if not request.path.startswith(ADMIN_PREFIX):
        await _inject_faults(state)
    return await handler(request)


def _authenticate(request: web.Request, api_key: str) -> None:
    sent = request.headers.get("x-api-key")
    bearer = request.headers.get("Authorization", "")
    if sent is None and solvimon_errors.is_solvimon(request.path) and bearer[:7] == "Bearer ":
        sent = bearer[7:].strip()  # Solvimon also takes "Authorization: Bearer <key>"
    if sent is None:
        raise ApiFailure("missing_api_key", "the x-api-key header is required")
    if not hmac.compare_digest(sent.encode(), api_key.encode()):
        raise ApiFailure("invalid_api_key", "the x-api-key header is not a valid API key")


async def _inject_faults(state: SandboxState) -> None:
    faults = state.faults
    delay = faults.delay()
    if delay > 0:
        await asyncio.sleep(delay)
    wait = faults.retry_after()
    if wait > 0:
        state.stats.event("rate_limited")
        raise ApiFailure(
            "rate_limited",
            f"too many requests; retry after {format_retry_after(wait)} seconds",
            headers={"Retry-After": format_retry_after(wait)},
        )
    status = faults.server_error()
    if status is not None:
        state.stats.event("injected_errors")
        code = "service_unavailable" if status == 503 else "internal_error"
        raise ApiFailure(code, "injected server fault: the request was not processed")
