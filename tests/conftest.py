"""Shared fixtures: a real sandbox on 127.0.0.1 and the vendor's own response schemas."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract.vendor_seeds import SEEDS, seed_operation  # noqa: F401  (used by tests)
from jsonschema import Draft202012Validator

from reconciler.sandbox.server import RunningSandbox, start_sandbox

ROOT = Path(__file__).resolve().parents[1]
# The vendor's documents live beside the repository, not in it; the few tests that need the
# vendor's own files skip when they are absent (a user's clone), naming the file.
USER = "/v2/user_third_party_integrations"
SITE = "/v2/site_third_party_integrations"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """A fresh sandbox (empty database, no faults) for one test."""
    with start_sandbox(tmp_path / "sandbox.db") as running:
        yield running


@pytest.fixture
def sandbox_client(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """An httpx client on the sandbox, sending its API key."""
    with httpx.Client(
        base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10
    ) as client:
        yield client


@pytest.fixture(scope="session")
def vendor_schemas() -> dict[str, dict[str, Any]]:
    """Response schemas, by name: get, list, site, site_get, site_list, create, edit, error.

    From the repository's compact copy (tests/contract/), so they run on any clone; the copy is
    checked against the vendor's seeds where those are present.
    """
    from contract.compact import load_stored

    return load_stored()


@pytest.fixture(scope="session")
def check_vendor(
    vendor_schemas: dict[str, dict[str, Any]],
) -> Callable[[str, Any], None]:
    """``check_vendor(name, body)`` fails the test unless ``body`` is valid for that schema."""

    def check(name: str, body: Any) -> None:
        errors = list(Draft202012Validator(vendor_schemas[name]).iter_errors(body))
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]

    return check


class SandboxApi:
    """Terse calls for tests that need an integration in some state, not the HTTP details."""

    def __init__(self, client: httpx.Client):
        self.client = client

    def create(self, **body: Any) -> str:
        resp = self.client.post(USER, json=body)
        assert resp.status_code == 200, resp.text
        return resp.json()["user_third_party_integration_id"]  # type: ignore[no-any-return]

    def edit(self, integration_id: str, **body: Any) -> None:
        resp = self.client.post(f"{USER}/{integration_id}", json=body)
        assert resp.status_code == 200, resp.text

    def get(self, integration_id: str) -> dict[str, Any]:
        resp = self.client.get(f"{USER}/{integration_id}")
        assert resp.status_code == 200, resp.text
        return resp.json()  # type: ignore[no-any-return]


@pytest.fixture
def sandbox_api(sandbox_client: httpx.Client) -> SandboxApi:
    return SandboxApi(sandbox_client)
