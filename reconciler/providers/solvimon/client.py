"""Solvimon Configuration API client for integrations: HTTP only, returns dicts.

Why separate from the provider: this is the one place that knows Solvimon's paths, paging,
error body and Idempotency-Key header; the provider deals in desired/live values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from reconciler.errors import ApiError, MalformedResponse
from reconciler.http import ApiClient, ApiSettings, PageGuard
from reconciler.ratelimit import RateLimiter

DEFAULT_URL = "https://api.solvimon.com"
BASE = "/v1/integrations"
PAGE_LIMIT = 100
ERROR_TYPES = ("API_ERROR", "INVALID_REQUEST")


def solvimon_error(body: Any) -> tuple[str | None, str | None] | None:
    """An ``ApiError`` body → (code, message naming the field); any other object is no error.

    A JSON array is no error either: the default-mandates answer is one (its reader checks it).
    """
    if isinstance(body, list):
        return None
    if not isinstance(body, dict):
        return ("malformed_response", f"expected a JSON object, got {type(body).__name__}")
    if body.get("type") not in ERROR_TYPES or "code" not in body:
        return None
    message = str(body.get("message") or "the API refused the request")
    field = body.get("field")
    if field and not message.startswith(f"{field}:"):
        message = f"{field}: {message}"
    return (str(body["code"]), message)


class SolvimonClient:
    """Thin wrapper over the spec's integration operations (see docs/solvimon.md)."""

    def __init__(self, settings: ApiSettings, *, limiter: RateLimiter | None = None):
        self.api = ApiClient(settings, vendor_error=solvimon_error, limiter=limiter)

    def close(self) -> None:
        self.api.close()

    def list_page(self, page: int, limit: int = PAGE_LIMIT) -> tuple[list[dict[str, Any]], int]:
        """One page of complete integrations, and the number of pages."""
        body = self.api.request(
            "GET", BASE, operation="getIntegrations", params={"limit": limit, "page": page}
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not all(_integration(i) for i in data):
            raise MalformedResponse(
                "getIntegrations: the answer has no 'data' list of integrations",
                operation="getIntegrations",
            )
        pages = body.get("total_number_of_pages")
        return data, pages if isinstance(pages, int) else 0

    def guard(self) -> PageGuard:
        """The guard of one listing of integrations."""
        return PageGuard("getIntegrations", BASE)

    def iter_integrations(self) -> Iterator[dict[str, Any]]:
        """Every integration, page by page up to ``total_number_of_pages``."""
        page = 1
        guard = self.guard()
        while True:
            data, pages = self.list_page(page)
            guard.check(page, data)
            yield from data
            if not data or page >= pages:
                return
            page += 1

    def get_integration(self, integration_id: str) -> dict[str, Any]:
        body = self.api.request(
            "GET", f"{BASE}/{integration_id}", operation="getIntegrationsByResourceId"
        )
        return _checked(body, "getIntegrationsByResourceId")

    def create_integration(
        self,
        body: dict[str, Any],
        idempotency_key: str,
        on_retry: Callable[[ApiError, int], None] | None = None,
    ) -> dict[str, Any]:
        """Create; retried like any idempotent call, since the key makes a repeat harmless."""
        answer = self.api.request(
            "POST",
            BASE,
            operation="postIntegrations",
            json_body=body,
            headers={"Idempotency-Key": idempotency_key},
            on_retry=on_retry,
        )
        return _checked(answer, "postIntegrations")

    def update_integration(self, integration_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH with the whole body each time: repeating it after a lost answer is harmless."""
        answer = self.api.request(
            "PATCH",
            f"{BASE}/{integration_id}",
            operation="patchIntegrationsByResourceId",
            json_body=body,
        )
        return _checked(answer, "patchIntegrationsByResourceId")

    def default_mandates(self) -> list[dict[str, Any]]:
        """The default e-invoicing mandates (the spec: a bare array; a ``data`` page accepted)."""
        body = self.api.request(
            "GET",
            f"{BASE}/e-invoicing/default-mandates",
            operation="getIntegrationsEInvoicingDefaultMandates",
        )
        items = body.get("data") if isinstance(body, dict) else body
        if not isinstance(items, list) or not all(isinstance(m, dict) for m in items):
            raise MalformedResponse(
                "getIntegrationsEInvoicingDefaultMandates: the answer is not a list of mandates",
                operation="getIntegrationsEInvoicingDefaultMandates",
            )
        return items

    def change_status(
        self, integration_id: str, action: str, operation: str, idempotency_key: str
    ) -> dict[str, Any]:
        """``activate``, ``deprecate`` or ``archive`` (POST, no body)."""
        answer = self.api.request(
            "POST",
            f"{BASE}/{integration_id}/{action}",
            operation=operation,
            headers={"Idempotency-Key": idempotency_key},
        )
        return _checked(answer, operation)

    def test_connection(self, params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/integrations/test-connection``: changes nothing, so retried like a GET."""
        answer = self.api.request(
            "POST",
            f"{BASE}/test-connection",
            operation="postIntegrationsTestConnection",
            params=params,
            json_body=body,
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("successful"), bool | None):
            raise MalformedResponse(
                "postIntegrationsTestConnection: the answer is not a TestConnectionResponse",
                operation="postIntegrationsTestConnection",
            )
        return dict(answer)

    def iter_default_mandates(self) -> Iterator[dict[str, Any]]:
        """Every default e-invoicing mandate. The answer is a bare array with no page count,
        so pages are read until a short one (bounded by PageGuard, keyed by name)."""
        operation = "getIntegrationsEInvoicingDefaultMandates"
        path = f"{BASE}/e-invoicing/default-mandates"
        guard = PageGuard(operation, path)
        page = 1
        while True:
            answer: Any = self.api.request(
                "GET", path, operation=operation, params={"limit": PAGE_LIMIT, "page": page}
            )
            if not isinstance(answer, list) or not all(
                isinstance(m, dict) and isinstance(m.get("name"), str) for m in answer
            ):
                raise MalformedResponse(
                    f"{operation}: the answer is not an array of mandates with a name",
                    operation=operation,
                )
            guard.check(page, answer, id_key="name")
            yield from answer
            if len(answer) < PAGE_LIMIT:
                return
            page += 1


def _integration(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("id"), str)
        and isinstance(body.get("reference"), str)
    )


def _checked(body: Any, operation: str) -> dict[str, Any]:
    if not _integration(body):
        raise MalformedResponse(
            f"{operation}: the answer is not an integration with an id and a reference",
            operation=operation,
        )
    return dict(body)
