"""The failures the core raises (auth, routing, faults, bad JSON, bugs), and the base of a
vendor's own.

Why codes and not bodies: the core does not know the vendor's error shape. It raises
``ApiFailure("code", message)`` and the vendor that owns the path renders it (``Serving``'s
``render_error``); a vendor's own failures subclass ``ApiFailure`` (its codes, its table) or
``VendorFailure`` (a body of its own making).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from aiohttp import web

# error_code -> (HTTP status, when the core answers it); a vendor's table repeats these.
CORE_CODES: dict[str, tuple[int, str]] = {
    "missing_api_key": (401, "no API key sent"),
    "invalid_api_key": (401, "the API key is not the sandbox's"),
    "invalid_json": (400, "the body is not JSON"),
    "body_too_large": (413, "the body is over 1 MiB"),
    "invalid_request": (400, "a bad body of an admin route"),
    "not_found": (404, "unknown route"),
    "method_not_allowed": (405, "known route, other method"),
    "rate_limited": (429, "over the injected rate limit"),
    "internal_error": (500, "injected server fault (or a sandbox bug)"),
    "service_unavailable": (503, "injected server fault"),
}


class ApiFailure(Exception):
    """An error answer: the handler stops, the middleware has the path's vendor render it."""

    codes: ClassVar[Mapping[str, tuple[int, str]]] = CORE_CODES

    def __init__(self, error_code: str, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.error_code = error_code
        self.status = self.codes[error_code][0]
        self.message = message
        self.headers = headers or {}


class VendorFailure(Exception):
    """An error a vendor's handlers raise in the vendor's own shape: it renders itself."""

    def response(self) -> web.Response:
        raise NotImplementedError
