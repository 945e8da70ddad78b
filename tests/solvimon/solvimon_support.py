"""Helpers of the Solvimon tests: the sandbox's /v1/ API, the vendor's spec, plan and apply.

Everything runs against the real sandbox on 127.0.0.1; nothing of the tool is mocked.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

from reconciler.executor import ApplyReport, Executor
from reconciler.http import ApiSettings, RetryPolicy
from reconciler.journal import Journal
from reconciler.plan import Plan
from reconciler.planner import Target, build_plan
from reconciler.providers.base import PlanOptions
from reconciler.providers.solvimon.provider import SolvimonProvider
from reconciler.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "specs" / "solvimon-integrations-api-openapi.yml"
BASE = "/v1/integrations"
FAST = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)


def client(sandbox: Any, **headers: str) -> httpx.Client:
    sent = {"X-API-KEY": sandbox.api_key, **headers}
    return httpx.Client(base_url=sandbox.url, headers=sent, timeout=10)


def create(sandbox: Any, body: dict[str, Any], *statuses: str) -> dict[str, Any]:
    """Create a live integration the way a person would, then run status operations."""
    with client(sandbox) as http:
        answer = http.post(BASE, json=body)
        assert answer.status_code == 201, answer.text
        created: dict[str, Any] = answer.json()
        for action in statuses:
            done = http.post(f"{BASE}/{created['id']}/{action}")
            assert done.status_code == 200, done.text
            created = done.json()
        return created


def get(sandbox: Any, integration_id: str) -> dict[str, Any]:
    with client(sandbox) as http:
        answer = http.get(f"{BASE}/{integration_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


def listed(sandbox: Any) -> list[dict[str, Any]]:
    with client(sandbox) as http:
        return list(http.get(BASE, params={"limit": 100}).json()["data"])


def stats(sandbox: Any) -> dict[str, Any]:
    with client(sandbox) as http:
        return dict(http.get("/_sandbox/stats").json())


TAX = {
    "reference": "avatax-eu",
    "name": "AvaTax EU",
    "description": "Tax for the EU entity.",
    "type": "TAX_CALCULATION",
    "authentication": {"username_password": {"username": "2000123456", "password": "lk-1"}},
    "tax_calculation": {
        "variant": "AVATAX",
        "billing_entity_id": "be_eu",
        "ava_tax": {"company_code": "EU_TRADING"},
        "enable_tax_filing": True,
        "custom_tax_codes": [{"field": "INVOICE_COMMITMENT", "value": "FR020000"}],
    },
    "linked_resources_configurations": [
        {
            "resource_type": "CUSTOMER",
            "link_details": [{"base_url": "https://a.example", "custom_field_reference": "c"}],
        }
    ],
}

TAX_YAML = """
kind: solvimon/Integration
reference: avatax-eu
name: AvaTax EU
description: Tax for the EU entity.
type: TAX_CALCULATION
status: ACTIVE
authentication:
  username_password:
    username: "2000123456"
    password: {env: AVATAX_LICENSE_KEY}
tax_calculation:
  variant: AVATAX
  ava_tax:
    company_code: EU_TRADING
"""


def provider(sandbox: Any) -> SolvimonProvider:
    return SolvimonProvider(ApiSettings(sandbox.url, sandbox.api_key, "X-API-KEY", retry=FAST))


def plan(sandbox: Any, *paths: Path, rotate: tuple[str, ...] = ()) -> Plan:
    """Plan the Solvimon documents of ``paths`` through the core the CLI uses."""
    workspace = load_workspace([str(p) for p in paths])
    solvimon = provider(sandbox)
    try:
        return build_plan(
            [Target(solvimon, workspace.desired.get("solvimon", []))],
            options=PlanOptions(frozenset(rotate)),
        )
    finally:
        solvimon.close()


def apply(sandbox: Any, the_plan: Plan, journal: Path, *, parallelism: int = 4) -> ApplyReport:
    solvimon = provider(sandbox)
    log = Journal(str(journal))
    try:
        executor = Executor(
            {"solvimon": solvimon}, parallelism=parallelism, journal=log, retry=FAST
        )
        return executor.apply(the_plan)
    finally:
        log.close()
        solvimon.close()


@cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def spec() -> dict[str, Any]:
    """The vendor's OpenAPI document (skips the test when ../shared is absent)."""
    if not SPEC.is_file():
        pytest.skip(f"the Solvimon spec is not at {SPEC}")
    return _spec()


def check_spec(method: str, path: str, response: httpx.Response) -> None:
    """Fail unless ``response`` is what the spec documents for that operation and status.

    ``path`` is the spec's path template, e.g. ``/v{version}/integrations/{resourceId}``.
    Without ../shared only the header is checked: the rest of the test still runs.
    """
    assert response.headers.get("X-REQUEST-ID"), "every Solvimon answer has an X-REQUEST-ID"
    if not SPEC.is_file():
        return
    document = _spec()
    answers = document["paths"][path][method.lower()]["responses"]
    if str(response.status_code) in answers:
        schema = answers[str(response.status_code)]["content"]["application/json"]["schema"]
    else:
        # Statuses the spec does not list for the operation (404, 405, 413, 429, 503) still
        # carry its one error body.
        assert response.status_code >= 400, f"{response.status_code} undocumented"
        schema = {"$ref": "#/components/schemas/ApiError"}
    validator = Draft202012Validator({**schema, "components": document["components"]})
    errors = list(validator.iter_errors(response.json()))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
