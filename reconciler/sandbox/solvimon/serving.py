"""What the running sandbox takes from Solvimon: routes, account, demo, error shape, key and
the ``X-REQUEST-ID`` every answer carries."""

from __future__ import annotations

from aiohttp import web

from reconciler.sandbox.apierror import ApiFailure
from reconciler.sandbox.solvimon import errors, routes
from reconciler.sandbox.solvimon.demo import seed_solvimon_demo
from reconciler.sandbox.solvimon.service import SolvimonService
from reconciler.sandbox.vendor import Serving, x_api_key


def render_error(exc: ApiFailure) -> web.Response:
    """A core failure (auth, routing, faults) as Solvimon's ``ApiError``."""
    return errors.render(errors.translate(exc))


def read_key(request: web.Request) -> str | None:
    """``X-API-KEY``, else ``Authorization: Bearer <key>`` (Solvimon takes both)."""
    sent = x_api_key(request)
    bearer = request.headers.get("Authorization", "")
    if sent is None and bearer[:7] == "Bearer ":
        sent = bearer[7:].strip()
    return sent


def add_request_id(response: web.StreamResponse) -> None:
    response.headers[errors.REQUEST_ID] = errors.new_request_id()


SERVING: Serving[SolvimonService] = Serving(
    routes=(routes.routes,),
    open_account=SolvimonService,
    seed_demo=seed_solvimon_demo,
    render_error=render_error,
    read_key=read_key,
    on_answer=add_request_id,
)
