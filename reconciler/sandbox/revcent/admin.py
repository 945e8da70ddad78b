"""RevCent's sandbox-only routes under ``/_sandbox/``: forget credentials, bulk seed, age forms.

The vendor has none of these; tests and benchmarks use them to make drift, large accounts and
expired secure forms over HTTP.
"""

from __future__ import annotations

from aiohttp import web

from reconciler.sandbox.admin import check_object
from reconciler.sandbox.context import ADMIN_PREFIX, read_json, reply
from reconciler.sandbox.revcent.account import service_of
from reconciler.sandbox.revcent.envelope import success
from reconciler.sandbox.revcent.errors import RevCentFailure

routes = web.RouteTableDef()


@routes.post(ADMIN_PREFIX + "integrations/{id}/forget_credentials")
async def forget_credentials(request: web.Request) -> web.Response:
    integration_id = request.match_info["id"]
    service_of(request).forget_credentials(integration_id)
    return reply(
        success(user_third_party_integration_id=integration_id, result="credentials forgotten")
    )


@routes.post(ADMIN_PREFIX + "seed")
async def seed(request: web.Request) -> web.Response:
    """Bulk-create ``count`` complete integrations named ``prefix`` + number, for benchmarks."""
    body = check_object(await read_json(request), {"count": int, "prefix": str})
    if "count" not in body:
        raise RevCentFailure("invalid_request", "body: missing required property 'count'")
    ids = service_of(request).seed_bulk(body["count"], body.get("prefix", "bench-"))
    return reply(success(result="integrations created", created=len(ids), ids=ids))


@routes.post(ADMIN_PREFIX + "secure_forms/{id}/age")
async def age_secure_form(request: web.Request) -> web.Response:
    """Move a secure form ``seconds`` into the past (3600 expires it), to test expiry."""
    body = check_object(await read_json(request), {"seconds": int})
    seconds = body.get("seconds")
    if seconds is None or not 0 <= seconds <= 10 * 86400:
        raise RevCentFailure("invalid_request", "seconds: must be an integer within 0..864000")
    forms = service_of(request).forms
    form = forms.age(request.match_info["id"], seconds)
    return reply(success(**form.view(forms.now())))
