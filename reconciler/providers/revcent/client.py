"""RevCent API v2 client for user and site third-party integrations: HTTP only, returns dicts.

Why separate from the provider: this is the one place that knows RevCent's paths, envelopes
and paging; the provider deals in desired/live values and never builds a URL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from reconciler.errors import MalformedResponse
from reconciler.http import ApiClient, ApiSettings, PageGuard
from reconciler.providers.revcent.shape import integration_problem, site_problem
from reconciler.ratelimit import RateLimiter

DEFAULT_URL = "https://api.revcent.com"
PAGE_LIMIT = 25  # the vendor's maximum page size
MAX_SHARED_VARIANTS = 32  # distinct embedded catalogs kept per site id (assets differ by key)
USER_PATH = "/v2/user_third_party_integrations"
SITE_PATH = "/v2/site_third_party_integrations"


def revcent_error(body: Any) -> tuple[str | None, str | None] | None:
    """RevCent signals errors with ``code: 0`` (possibly under a 200), success with ``code: 1``."""
    if not isinstance(body, dict):
        return ("malformed_response", f"expected a JSON object, got {type(body).__name__}")
    if body.get("code") == 1:
        return None
    code = body.get("error_code")
    message = body.get("message") or body.get("result") or "the API answered code 0"
    return (str(code) if code is not None else None, str(message))


class RevCentClient:
    """Thin wrapper over the documented (and assumed, see vendor-apis.md) operations."""

    def __init__(self, settings: ApiSettings, *, limiter: RateLimiter | None = None):
        self.api = ApiClient(settings, vendor_error=revcent_error, limiter=limiter)
        self._sites: dict[Any, list[dict[str, Any]]] = {}  # site id -> distinct bodies seen
        self._sites_lock = threading.Lock()

    def close(self) -> None:
        self.api.close()

    # -- user integrations ----------------------------------------------------------------
    def list_page(self, page: int, limit: int = PAGE_LIMIT) -> list[dict[str, Any]]:
        body = self.api.request(
            "GET",
            USER_PATH,
            operation="GetUserThirdPartyIntegrations",
            params={"limit": limit, "page": page},
        )
        results = _results(body, "GetUserThirdPartyIntegrations")
        for index, item in enumerate(results):
            if not isinstance(item.get("id"), str) or not isinstance(item.get("name"), str):
                raise MalformedResponse(
                    f"GetUserThirdPartyIntegrations: result {index + 1} of page {page} has no "
                    "id or name",
                    operation="GetUserThirdPartyIntegrations",
                )
        return results

    def integration_guard(self) -> PageGuard:
        """The guard of one listing of user integrations (pages until a short page)."""
        return PageGuard("GetUserThirdPartyIntegrations", USER_PATH)

    def get_integration(self, integration_id: str) -> dict[str, Any]:
        body = self.api.request(
            "GET", f"{USER_PATH}/{integration_id}", operation="GetUserThirdPartyIntegration"
        )
        if not isinstance(body.get("id"), str) or not isinstance(body.get("name"), str):
            raise MalformedResponse(
                f"GetUserThirdPartyIntegration {integration_id}: the answer has no id or name",
                operation="GetUserThirdPartyIntegration",
            )
        body = dict(body)
        problem = integration_problem(body)
        site = body.get("site_third_party_integration")
        if problem is None and site is not None:
            site, problem = self._shared(site)
            body["site_third_party_integration"] = site
        if problem is not None:
            raise MalformedResponse(
                f"GetUserThirdPartyIntegration {integration_id}: {problem}",
                operation="GetUserThirdPartyIntegration",
            )
        return body

    def _shared(self, site: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """One object for equal embedded catalogs (they are read, never changed), checked once.

        Why: each Get embeds its site integration (about 4 KB as Python objects, two thirds of
        the body), yet an account has a handful of distinct ones; sharing them keeps a plan of
        10,000 integrations some 40 MB smaller, and checks each distinct shape only once.
        """
        with self._sites_lock:
            variants = self._sites.setdefault(site.get("id"), [])
            for known in variants:
                if known == site:
                    return known, None
            problem = site_problem(site)
            if problem is None and len(variants) < MAX_SHARED_VARIANTS:
                variants.append(site)
            return site, problem

    def create_integration(self, body: dict[str, Any]) -> str:
        """Create once, never retried here: a lost answer may still have created it."""
        answer = self.api.request(
            "POST",
            USER_PATH,
            operation="CreateUserThirdPartyIntegration",
            json_body=body,
            idempotent=False,
        )
        new_id = answer.get("user_third_party_integration_id")
        if not isinstance(new_id, str) or len(new_id) != 20:
            raise MalformedResponse(
                "CreateUserThirdPartyIntegration: the answer has no 20-character "
                "user_third_party_integration_id",
                operation="CreateUserThirdPartyIntegration",
            )
        return new_id

    def edit_integration(self, integration_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Edit is a partial, idempotent update: repeating it after a lost answer is harmless."""
        return dict(
            self.api.request(
                "POST",
                f"{USER_PATH}/{integration_id}",
                operation="EditUserThirdPartyIntegration",
                json_body=body,
            )
        )

    # -- site integrations (the catalog) --------------------------------------------------
    def list_site_page(self, page: int, limit: int = PAGE_LIMIT) -> list[dict[str, Any]]:
        body = self.api.request(
            "GET",
            SITE_PATH,
            operation="GetSiteThirdPartyIntegrations",
            params={"limit": limit, "page": page},
        )
        results = _results(body, "GetSiteThirdPartyIntegrations")
        for index, item in enumerate(results):
            problem = site_problem(item, f"results[{index}]")
            if problem is not None:
                raise MalformedResponse(
                    f"GetSiteThirdPartyIntegrations page {page}: {problem}",
                    operation="GetSiteThirdPartyIntegrations",
                )
        return results

    def site_integrations(self) -> list[dict[str, Any]]:
        guard = PageGuard("GetSiteThirdPartyIntegrations", SITE_PATH)
        return list(_paged(self.list_site_page, guard))


def _paged(fetch: Any, guard: PageGuard) -> Iterator[dict[str, Any]]:
    page = 1
    while True:
        results = fetch(page)
        guard.check(page, results)
        yield from results
        if len(results) < PAGE_LIMIT:
            return
        page += 1


def _results(body: dict[str, Any], operation: str) -> list[dict[str, Any]]:
    results = body.get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise MalformedResponse(
            f"{operation}: the answer has no 'results' list", operation=operation
        )
    return results
