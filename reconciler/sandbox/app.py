"""The aiohttp application: routes plus the middlewares every request passes through.

Order, outermost first: ``_outer`` (error bodies, dropped connections, the vendor's answer
headers, stats, access log), then ``_guard`` (API key, then — for API routes only — latency,
rate limit, 5xx faults). Errors take the shape of the vendor whose path was asked
(``SandboxState.vendor_for``: the first registered vendor for paths no vendor claims); the
API key is read its way, and its ``on_answer`` sees every answer on its paths.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import unicodedata
from collections.abc import Awaitable, Callable

from aiohttp import web

from reconciler.sandbox import admin
from reconciler.sandbox.apierror import ApiFailure, VendorFailure
from reconciler.sandbox.context import (
    ADMIN_PREFIX,
    STATE,
    ConnectionDropped,
    SandboxState,
    state_of,
)
from reconciler.sandbox.faults import format_retry_after

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

access_log = logging.getLogger("reconciler.sandbox.access")
log = logging.getLogger("reconciler.sandbox")


def create_app(state: SandboxState) -> web.Application:
    """The sandbox's web application serving ``state``."""
    app = web.Application(middlewares=[_outer, _guard])
    app[STATE] = state
    for vendor in state.vendors:
        for routes in vendor.serving.routes:
            app.add_routes(routes)
    app.add_routes(admin.routes)
    return app


def _error(exc: ApiFailure, request: web.Request) -> web.Response:
    return state_of(request).vendor_for(request.path).serving.render_error(exc)


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


def _logged_path(path: str, open_prefixes: tuple[str, ...]) -> str:
    """``path`` for the log: an open page's token (it opens the page) left out."""
    for prefix in open_prefixes:
        if path.startswith(prefix):
            return prefix + "…"
    return path


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
    state = state_of(request)
    if status is not None:
        state.vendor_for(request.path).serving.on_answer(resp)
    if not request.path.startswith(ADMIN_PREFIX):
        state.stats.request(request.method, _route(request), status)
    if access_log.isEnabledFor(logging.INFO):
        # Method, path, status and time only: bodies and query values are never logged.
        ms = (time.perf_counter() - started) * 1000
        shown = status if status is not None else "dropped"
        logged = _logged_path(request.path, state.open_prefixes)
        method, path = printable(request.method), printable(logged)
        access_log.info("%s %s %s %.1fms", method, path, shown, ms)
    return resp


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiFailure as exc:
        return _error(exc, request)
    except VendorFailure as exc:
        return exc.response()
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
    if request.path.startswith(state.open_prefixes):
        return await handler(request)  # a person's browser: the URL token opens the page
    _authenticate(request, state)
    if request.path.startswith(ADMIN_PREFIX):
        return await handler(request)
    # The request is handled as it arrives and its answer leaves ``delay`` after that, however
    # many others are in flight. Waiting the latency before handling made every request that
    # woke together queue behind the others' handling on this one event loop (a Get took
    # 27.7 ms at 16 in flight for 20 ms of latency), so a benchmark measured the sandbox
    # instead of the client; waiting half before and half after cost a second timer (22.7 ms).
    loop = asyncio.get_running_loop()
    due = loop.time() + state.faults.delay()
    try:
        _inject_faults(state)
        return await handler(request)
    finally:
        await _until(loop, due)


# The event loop wakes up to a millisecond late (epoll's timeout is whole milliseconds,
# rounded up): aiming this much early makes the mean latency the one asked for.
WAKE_SLACK = 0.0005


async def _until(loop: asyncio.AbstractEventLoop, due: float) -> None:
    """Sleep until about ``due`` on ``loop``'s clock; not when the request is being cancelled."""
    task = asyncio.current_task()
    cancelling = task is not None and getattr(task, "cancelling", lambda: 0)()
    left = due - loop.time() - WAKE_SLACK
    if left > 0 and not cancelling:
        await asyncio.sleep(left)


def _authenticate(request: web.Request, state: SandboxState) -> None:
    sent = state.vendor_for(request.path).serving.read_key(request)
    if sent is None:
        raise ApiFailure("missing_api_key", "the x-api-key header is required")
    if not hmac.compare_digest(sent.encode(), state.api_key.encode()):
        raise ApiFailure("invalid_api_key", "the x-api-key header is not a valid API key")


def _inject_faults(state: SandboxState) -> None:
    """A 429 or a 5xx, when the rate limit or the error rate says so (latency is waited)."""
    faults = state.faults
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
