"""A request's RevCent account (its service), as the running sandbox holds it."""

from __future__ import annotations

from aiohttp import web

from reconciler.sandbox.context import state_of
from reconciler.sandbox.revcent import VENDOR
from reconciler.sandbox.revcent.service import IntegrationService


def service_of(request: web.Request) -> IntegrationService:
    return state_of(request).account(VENDOR.name, IntegrationService)
