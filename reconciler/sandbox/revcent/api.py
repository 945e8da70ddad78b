"""RevCent's routes: v2 user and site third-party integrations, secure forms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from reconciler.sandbox.context import (
    ConnectionDropped,
    read_json,
    reply,
    reply_encoded,
    state_of,
)
from reconciler.sandbox.paging import MAX_PAGE, bounds, count_param
from reconciler.sandbox.revcent import catalog, render
from reconciler.sandbox.revcent.account import service_of
from reconciler.sandbox.revcent.envelope import success
from reconciler.sandbox.revcent.errors import RevCentFailure
from reconciler.sandbox.revcent.secureforms import FORM_PATH
from reconciler.sandbox.revcent.store import Integration
from reconciler.sandbox.revcent.views import asset_choices

routes = web.RouteTableDef()

USER = "/v2/user_third_party_integrations"
SITE = "/v2/site_third_party_integrations"
MAX_LIMIT = 25


def _paging(query: Mapping[str, str]) -> tuple[int, int]:
    """``limit`` (1..25, default 25) and ``page`` (1..MAX_PAGE, default 1) of a list request."""
    values = []
    for name, default, top in (("limit", MAX_LIMIT, MAX_LIMIT), ("page", 1, MAX_PAGE)):
        value = count_param(query, name, default, top)
        if value is None:
            raise RevCentFailure("invalid_parameter", f"{name}: must be {bounds(top)}")
        values.append(value)
    return values[0], values[1]


def _listing(results: list[str], page: int) -> web.Response:
    """The list answer; ``results`` holds each item's JSON (see render.py)."""
    head = success(current_count=len(results), current_page=page)
    return reply_encoded(render.with_last(head, "results", render.array(results)))


@routes.get(USER)
async def list_integrations(request: web.Request) -> web.Response:
    limit, page = _paging(request.query)
    return _listing(service_of(request).list_page_json(limit, page), page)


@routes.get(USER + "/{id}")
async def get_integration(request: web.Request) -> web.Response:
    view = service_of(request).get_json(request.match_info["id"])
    return reply_encoded(render.merged(success(), view))


@routes.post(USER)
async def create_integration(request: web.Request) -> web.Response:
    new_id = service_of(request).create(await read_json(request))
    _maybe_drop(request)
    return reply(
        success(
            user_third_party_integration_id=new_id,
            result="User third party integration created",
        )
    )


@routes.post(USER + "/{id}")
async def edit_integration(request: web.Request) -> web.Response:
    state = state_of(request)
    integration_id = request.match_info["id"]
    body = await read_json(request)

    def alter(rec: Integration, sent: Mapping[str, Any], name_free: Callable[[str], bool]) -> bool:
        altered = state.faults.alter(rec, sent, name_free)
        if altered:
            state.stats.event("altered")
        return altered

    service_of(request).edit(integration_id, body, alter=alter)
    _maybe_drop(request)
    return reply(
        success(
            user_third_party_integration_id=integration_id,
            result="User third party integration updated",
        )
    )


def _maybe_drop(request: web.Request) -> None:
    # Called only after the write is committed: the client sees a transport error for a
    # change that did happen, the case a tool must never retry blindly.
    if state_of(request).faults.drop():
        raise ConnectionDropped


@routes.get(SITE)
async def list_sites(request: web.Request) -> web.Response:
    limit, page = _paging(request.query)
    start = (page - 1) * limit
    sites = catalog.SITE_INTEGRATIONS[start : start + limit]
    return _listing([render.site_json(s["id"], asset_choices(s)) for s in sites], page)


@routes.get(SITE + "/{id}")
async def get_site(request: web.Request) -> web.Response:
    site_id = request.match_info["id"]
    site = catalog.site_integration(site_id)
    if site is None:
        raise RevCentFailure(
            "site_integration_not_found", f"no site third party integration has id '{site_id}'"
        )
    return reply_encoded(render.merged(success(), render.site_json(site_id, asset_choices(site))))


# -- Secure Forms (CreateSecureForm, GetSecureForm; see secureforms.py) -----------------------
SECURE = "/v2/secure_forms"


@routes.post(SECURE)
async def create_secure_form(request: web.Request) -> web.Response:
    forms = service_of(request).forms
    form, token = forms.create(await read_json(request))
    return reply(
        success(
            secure_form_id=form.id,
            form_url=f"{request.scheme}://{request.host}{FORM_PATH}{token}",
            expiration_date_unix=form.expires_unix,
            completed=False,
            result="Secure form created",
        )
    )


@routes.get(SECURE + "/{id}")
async def get_secure_form(request: web.Request) -> web.Response:
    forms = service_of(request).forms
    form = forms.get(request.match_info["id"])
    return reply(success(**form.view(forms.now())))
