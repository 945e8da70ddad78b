"""Solvimon's error body, the table of every error this part of the sandbox answers, and the
translation of the shared middlewares' errors (auth, faults, routing) into it.

Why a table of its own: Solvimon errors are ``{type, code, message, field, resource_id,
resource_type}`` with ``code`` from the spec's ``ApiErrorCode`` enum, and one code may come with
several statuses (``BAD_REQUEST`` is a 400, a 405 or a 413). The core's failures
(``apierror.ApiFailure``) are translated by ``translate`` for /v1/ paths.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from reconciler.sandbox.apierror import ApiFailure, VendorFailure

REQUEST_ID = "X-REQUEST-ID"

# (status, code) -> (type, when it is answered); docs/solvimon.md lists every row.
ERRORS: dict[tuple[int, str], tuple[str, str]] = {
    (401, "UNAUTHORISED"): (
        "INVALID_REQUEST",
        "no `X-API-KEY` header (nor `Authorization: Bearer`), or not the sandbox's key",
    ),
    (400, "BAD_REQUEST"): (
        "INVALID_REQUEST",
        "the body is not JSON or not an object; a bad `limit`, `page`, `order_by`, "
        "`order_direction` or `Idempotency-Key`",
    ),
    (413, "BAD_REQUEST"): ("INVALID_REQUEST", "the body is over 1 MiB"),
    (405, "BAD_REQUEST"): ("INVALID_REQUEST", "known route, other method (`Allow` lists them)"),
    (400, "MISSING_FIELD"): (
        "INVALID_REQUEST",
        "create without `reference` or `type`; an update without one of `reference`, `name`, "
        "`description`, `type`, `linked_resources_configurations`; a test-connection without "
        "`integration_type` (or the processor/variant its type needs)",
    ),
    (400, "INVALID_FIELD"): (
        "INVALID_REQUEST",
        "the body fails the spec's request schema (unknown property, wrong type, bad enum "
        "value), `reference`/`name`/`description` break the documented form or length, a "
        "type object of another type, a variant object of another variant, the mask sent as "
        "a secret, a create `status` other than DRAFT or ACTIVE; a test-connection with an unknown "
        "`integration_type`, processor or variant, or one given for another type",
    ),
    (409, "RESOURCE_ALREADY_EXISTS"): (
        "INVALID_REQUEST",
        "another integration already has this `reference` (create or update)",
    ),
    (404, "RESOURCE_NOT_FOUND"): ("INVALID_REQUEST", "no integration has this id; unknown route"),
    (400, "INVALID_OPERATION"): (
        "INVALID_REQUEST",
        "changing `type`; changing `status` in an update; updating an ARCHIVED integration; "
        "a status operation the status machine does not allow; activating an incomplete one",
    ),
    (400, "IDEMPOTENCY_CHECK_FAILED"): (
        "INVALID_REQUEST",
        "an `Idempotency-Key` used before with another method, path or body",
    ),
    (429, "UNABLE_TO_PROCESS_INSTRUCTIONS"): (
        "API_ERROR",
        "over the injected rate limit; see `Retry-After`",
    ),
    (500, "INTERNAL_ERROR"): ("API_ERROR", "injected server fault (or a sandbox bug)"),
    (503, "INTERNAL_ERROR"): ("API_ERROR", "injected server fault"),
}


class SolvimonFailure(VendorFailure):
    """An error answer in Solvimon's shape; raised by the Solvimon handlers and rules."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        resource_id: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        if (status, code) not in ERRORS:
            raise AssertionError(f"undocumented Solvimon error {status} {code}")
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.resource_id = resource_id
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The ``ApiError`` body; ``resource_type`` is INTEGRATION when an id is named."""
        return {
            "type": ERRORS[(self.status, self.code)][0],
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "resource_id": self.resource_id,
            "resource_type": "INTEGRATION" if self.resource_id else None,
        }

    def response(self) -> web.Response:
        return render(self)


def invalid(field: str | None, message: str) -> SolvimonFailure:
    return SolvimonFailure(400, "INVALID_FIELD", message, field=field)


def operation(message: str, *, field: str | None = None, rid: str | None = None) -> SolvimonFailure:
    return SolvimonFailure(400, "INVALID_OPERATION", message, field=field, resource_id=rid)


def not_found(integration_id: str) -> SolvimonFailure:
    return SolvimonFailure(
        404,
        "RESOURCE_NOT_FOUND",
        f"no integration has id '{integration_id}'",
        resource_id=integration_id,
    )


# The core raises ApiFailures with its own codes; on /v1/ they read like this.
_GENERIC: dict[str, tuple[int, str, str | None]] = {
    "missing_api_key": (
        401,
        "UNAUTHORISED",
        "the X-API-KEY header (or Authorization: Bearer <key>) is required",
    ),
    "invalid_api_key": (401, "UNAUTHORISED", "the API key is not valid"),
    "invalid_json": (400, "BAD_REQUEST", "the request body is not valid JSON"),
    "body_too_large": (413, "BAD_REQUEST", None),
    "not_found": (404, "RESOURCE_NOT_FOUND", None),
    "method_not_allowed": (405, "BAD_REQUEST", None),
    "rate_limited": (429, "UNABLE_TO_PROCESS_INSTRUCTIONS", None),
    "internal_error": (500, "INTERNAL_ERROR", None),
    "service_unavailable": (503, "INTERNAL_ERROR", None),
}


def translate(exc: ApiFailure) -> SolvimonFailure:
    """The Solvimon form of an error the shared middlewares raised (same status and headers)."""
    status, code, message = _GENERIC.get(exc.error_code, (400, "BAD_REQUEST", None))
    return SolvimonFailure(status, code, message or exc.message, headers=dict(exc.headers))


def render(exc: SolvimonFailure) -> web.Response:
    resp = web.json_response(exc.body(), status=exc.status)
    resp.headers.update(exc.headers)
    return resp


def new_request_id() -> str:
    return uuid.uuid4().hex
