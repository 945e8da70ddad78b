"""What the running sandbox takes from RevCent: its routes, account, demo and error envelope."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from reconciler.sandbox.apierror import ApiFailure
from reconciler.sandbox.context import reply
from reconciler.sandbox.revcent import admin, api, formpage
from reconciler.sandbox.revcent.demo import seed_demo_account
from reconciler.sandbox.revcent.envelope import failure, success
from reconciler.sandbox.revcent.secureforms import FORM_PATH
from reconciler.sandbox.revcent.service import IntegrationService
from reconciler.sandbox.vendor import Serving


def render_error(exc: ApiFailure) -> web.Response:
    """Any failure (the core's or RevCent's own) as the vendor's error envelope."""
    resp = reply(failure(exc.error_code, exc.message), status=exc.status)
    resp.headers.update(exc.headers)
    return resp


def _envelope(fields: dict[str, Any]) -> dict[str, Any]:
    return success(**fields)


SERVING: Serving[IntegrationService] = Serving(
    routes=(api.routes, admin.routes, formpage.routes),
    open_account=IntegrationService,
    seed_demo=seed_demo_account,
    render_error=render_error,
    open_prefixes=(FORM_PATH,),  # a person's browser: the URL token opens the form
    envelope=_envelope,
)
