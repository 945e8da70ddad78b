"""The sandbox's Solvimon endpoints over HTTP: shapes valid against the vendor's spec, errors in
Solvimon's body with an X-REQUEST-ID, the status machine, masked secrets, idempotency, faults."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import httpx
import pytest
from solvimon_support import BASE, ROOT, TAX, check_spec, client, create, get, spec, stats

from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.solvimon.errors import ERRORS
from reconciler.sandbox.solvimon.rules import MASK, SCHEMA_FILE

# The README says how to start the sandbox; docs/sandbox.md is its reference.
SANDBOX_DOCS = "".join(
    (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/sandbox.md")
)
LIST = "/v{version}/integrations"
ITEM = "/v{version}/integrations/{resourceId}"


def _error(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    assert body["code"] == code, body
    assert set(body) == {"type", "code", "message", "field", "resource_id", "resource_type"}
    assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["X-REQUEST-ID"])
    return body


def test_create_get_list_update_delete_match_the_spec(sandbox: Any) -> None:
    with client(sandbox) as http:
        made = http.post(BASE, json=TAX)
        assert made.status_code == 201
        check_spec("POST", LIST, made)
        new = made.json()
        assert (new["status"], new["object_type"]) == ("DRAFT", "integration")
        check_spec("GET", ITEM, http.get(f"{BASE}/{new['id']}"))
        page = http.get(BASE, params={"limit": 1, "page": 1})
        check_spec("GET", LIST, page)
        assert {k: page.json()[k] for k in ("page", "limit", "total_number_of_pages")} == {
            "page": 1,
            "limit": 1,
            "total_number_of_pages": 1,
        }
        assert page.json()["links"]["next"] is None and page.json()["links"]["previous"] is None
        body = {k: TAX[k] for k in ("reference", "name", "type", "linked_resources_configurations")}
        changed = http.patch(f"{BASE}/{new['id']}", json={**body, "description": "new"})
        check_spec("PATCH", ITEM, changed)
        assert changed.json()["description"] == "new"
        gone = http.delete(f"{BASE}/{new['id']}")
        check_spec("DELETE", ITEM, gone)
        check_spec("GET", ITEM, http.get(f"{BASE}/{new['id']}"))  # a 404 ApiError


def test_pages_and_links(sandbox: Any) -> None:
    for n in range(5):
        create(sandbox, {"reference": f"r{n}", "type": "EMAIL_PROVIDER"})
    with client(sandbox) as http:
        second = http.get(BASE, params={"limit": 2, "page": 2, "order_by": "reference"}).json()
        assert [i["reference"] for i in second["data"]] == ["r2", "r3"]
        assert second["total_number_of_pages"] == 3
        assert second["links"]["next"] == f"{BASE}?order_by=reference&limit=2&page=3"
        desc = http.get(BASE, params={"order_by": "reference", "order_direction": "desc"})
        assert [i["reference"] for i in desc.json()["data"]][:2] == ["r4", "r3"]
        for query in ({"limit": 0}, {"limit": 101}, {"page": "x"}, {"order_by": "color"}):
            _error(http.get(BASE, params=query), 400, "BAD_REQUEST")


def test_duplicate_reference_is_409(sandbox: Any) -> None:
    create(sandbox, TAX)
    with client(sandbox) as http:
        resp = http.post(BASE, json={"reference": "avatax-eu", "type": "EMAIL_PROVIDER"})
        body = _error(resp, 409, "RESOURCE_ALREADY_EXISTS")
        check_spec("POST", LIST, resp)
        assert body["field"] == "reference"
        other = create(sandbox, {"reference": "other", "type": "TAX_CALCULATION"})
        rename = {**{k: TAX[k] for k in ("reference", "name", "type")}, "description": ""}
        rename["linked_resources_configurations"] = []
        _error(http.patch(f"{BASE}/{other['id']}", json=rename), 409, "RESOURCE_ALREADY_EXISTS")


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"type": "TAX_CALCULATION"}, 400, "MISSING_FIELD", "reference"),
        ({"reference": "a b", "type": "TAX_CALCULATION"}, 400, "INVALID_FIELD", "reference"),
        ({"reference": "a", "type": "TAX"}, 400, "INVALID_FIELD", "type"),
        ({"reference": "a", "type": "TAX_CALCULATION", "extra": 1}, 400, "INVALID_FIELD", "extra"),
        (
            {"reference": "a", "type": "TAX_CALCULATION", "payment_gateway": {}},
            400,
            "INVALID_FIELD",
            "payment_gateway",
        ),
        (
            {
                "reference": "a",
                "type": "PAYMENT_GATEWAY",
                "payment_gateway": {"variant": "ADYEN", "stripe": {"public_key": "pk"}},
            },
            400,
            "INVALID_FIELD",
            "payment_gateway.stripe",
        ),
        ({"reference": "a", "type": "EMAIL_PROVIDER", "status": "ARCHIVED"}, 400, "INVALID_FIELD",
         "status"),
        (
            {"reference": "a", "type": "EMAIL_PROVIDER",
             "authentication": {"api_key": {"value": MASK}}},
            400,
            "INVALID_FIELD",
            "authentication.api_key.value",
        ),
        ({"reference": "a", "type": "TAX_CALCULATION", "status": "ACTIVE"}, 400,
         "INVALID_OPERATION", None),
        ([1], 400, "BAD_REQUEST", None),
    ],
)  # fmt: skip
def test_create_refusals(sandbox: Any, body: Any, status: int, code: str, field: str) -> None:
    with client(sandbox) as http:
        resp = http.post(BASE, json=body)
        assert _error(resp, status, code)["field"] == field
        check_spec("POST", LIST, resp)
    assert stats(sandbox)["by_status"] == {str(status): 1}


def test_update_needs_the_five_and_cannot_change_type_or_status(sandbox: Any) -> None:
    made = create(sandbox, TAX)
    five = {k: TAX.get(k, "") for k in ("reference", "name", "description", "type")}
    five["linked_resources_configurations"] = []
    path = f"{BASE}/{made['id']}"
    with client(sandbox) as http:
        for missing in five:
            partial = {k: v for k, v in five.items() if k != missing}
            assert _error(http.patch(path, json=partial), 400, "MISSING_FIELD")["field"] == missing
        wrong_type = {**five, "type": "EMAIL_PROVIDER"}
        _error(http.patch(path, json=wrong_type), 400, "INVALID_OPERATION")
        _error(http.patch(path, json={**five, "status": "ACTIVE"}), 400, "INVALID_OPERATION")
        assert http.patch(path, json={**five, "status": "DRAFT"}).status_code == 200
        _error(http.patch(f"{BASE}/intg_nope", json=five), 404, "RESOURCE_NOT_FOUND")


def test_status_machine(sandbox: Any) -> None:
    made = create(sandbox, TAX)
    path = f"{BASE}/{made['id']}"
    with client(sandbox) as http:
        _error(http.post(f"{path}/deprecate"), 400, "INVALID_OPERATION")  # DRAFT
        for action, status in [("activate", "ACTIVE"), ("activate", "ACTIVE"),
                               ("deprecate", "DEPRECATED"), ("activate", "ACTIVE"),
                               ("archive", "ARCHIVED"), ("archive", "ARCHIVED")]:  # fmt: skip
            resp = http.post(f"{path}/{action}")
            check_spec("POST", f"{ITEM}/{action}", resp)
            assert resp.json()["status"] == status
        body = _error(http.post(f"{path}/activate"), 400, "INVALID_OPERATION")
        assert body["resource_id"] == made["id"] and body["resource_type"] == "INTEGRATION"
        five = {k: TAX.get(k, "") for k in ("reference", "name", "description", "type")}
        five["linked_resources_configurations"] = []
        _error(http.patch(path, json=five), 400, "INVALID_OPERATION")  # ARCHIVED: read-only


def test_activate_refuses_an_incomplete_integration(sandbox: Any) -> None:
    bare = create(sandbox, {"reference": "pay", "type": "PAYMENT_GATEWAY"})
    with client(sandbox) as http:
        body = _error(http.post(f"{BASE}/{bare['id']}/activate"), 400, "INVALID_OPERATION")
        assert "payment_gateway.variant not set" in body["message"]


def test_secrets_are_masked_write_only_and_kept_when_left_out(sandbox: Any) -> None:
    made = create(sandbox, TAX)
    assert made["authentication"] == {
        "username_password": {"username": "2000123456", "password": MASK}
    }
    five = {k: TAX[k] for k in ("reference", "name", "description", "type")}
    five["linked_resources_configurations"] = []
    with client(sandbox) as http:
        sent = {**five, "authentication": {"username_password": {"username": "other"}}}
        kept = http.patch(f"{BASE}/{made['id']}", json=sent).json()
        assert kept["authentication"]["username_password"] == {
            "username": "other",
            "password": MASK,
        }
        echoed = copy.deepcopy(sent)
        echoed["authentication"]["username_password"]["password"] = MASK
        _error(http.patch(f"{BASE}/{made['id']}", json=echoed), 400, "INVALID_FIELD")
        assert "lk-1" not in http.get(BASE).text


def test_auth_headers_and_platform_id(sandbox: Any) -> None:
    base = sandbox.url + BASE
    for headers in ({}, {"X-API-KEY": "nope"}, {"Authorization": "Bearer nope"}):
        resp = httpx.get(base, headers=headers)
        _error(resp, 401, "UNAUTHORISED")
        check_spec("GET", LIST, resp)
    assert httpx.get(base, headers={"Authorization": f"Bearer {sandbox.api_key}"}).is_success
    assert httpx.get(base, headers={"x-api-key": sandbox.api_key, "x-platform-id": "p1"}).is_success


def test_routing_errors_are_solvimon_shaped(sandbox: Any) -> None:
    with client(sandbox) as http:
        _error(http.get("/v1/nothing"), 404, "RESOURCE_NOT_FOUND")
        resp = http.put(f"{BASE}/x")
        _error(resp, 405, "BAD_REQUEST")
        assert "PATCH" in resp.headers["Allow"]
        _error(http.post(BASE, content=b"{", headers={"content-type": "application/json"}),
               400, "BAD_REQUEST")  # fmt: skip
        big = {"reference": "a", "type": "DATA_EXPORT", "description": "x" * 1_100_000}
        _error(http.post(BASE, json=big), 413, "BAD_REQUEST")
        # RevCent's paths keep RevCent's envelope.
        assert http.get("/v2/nothing").json()["error_code"] == "not_found"


def test_idempotency_key_replays_the_first_answer_and_creates_nothing(sandbox: Any) -> None:
    body = {"reference": "once", "type": "EMAIL_PROVIDER"}
    with client(sandbox, **{"Idempotency-Key": "k-1"}) as http:
        first = http.post(BASE, json=body)
        again = http.post(BASE, json=body)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
        other = http.post(BASE, json={**body, "reference": "twice"})
        _error(other, 400, "IDEMPOTENCY_CHECK_FAILED")
        activate = http.post(f"{BASE}/{first.json()['id']}/activate")
        _error(activate, 400, "IDEMPOTENCY_CHECK_FAILED")  # same key, another path
        assert len(http.get(BASE).json()["data"]) == 1
    assert stats(sandbox)["idempotent_replays"] == 1


def test_faults_apply_to_v1_with_solvimon_bodies(sandbox: Any) -> None:
    sandbox.set_faults(FaultConfig(rate_limit=1, rate_limit_burst=1))
    with client(sandbox) as http:
        http.get(BASE)
        limited = http.get(BASE)
        _error(limited, 429, "UNABLE_TO_PROCESS_INSTRUCTIONS")
        assert float(limited.headers["Retry-After"]) > 0
        assert limited.json()["type"] == "API_ERROR"
        sandbox.set_faults(FaultConfig(error_rate=1, seed=3))
        failed = http.get(BASE)
        assert _error(failed, failed.status_code, "INTERNAL_ERROR")["type"] == "API_ERROR"
        assert failed.status_code in (500, 503)
        sandbox.set_faults(FaultConfig(alter_rate=1))
        made = create(sandbox, TAX)
        five = {k: TAX[k] for k in ("reference", "name", "description", "type")}
        five["linked_resources_configurations"] = []
        answer = http.patch(f"{BASE}/{made['id']}", json=five).json()
        assert answer["name"] == "AvaTax EU (altered)" == get(sandbox, made["id"])["name"]
    assert stats(sandbox)["altered"] == 1


def test_request_schemas_are_the_specs_own() -> None:
    copied = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
    published = spec()["components"]["schemas"]
    assert copied == {name: published[name] for name in copied}
    assert {"IntegrationCreateRequest", "IntegrationUpdateRequest"} <= set(copied)


def test_docs_list_every_error() -> None:
    docs = SANDBOX_DOCS
    for status, code in ERRORS:
        assert re.search(rf"\|\s*{status}\s*\|\s*`{code}`", docs), (status, code)


def test_demo_part_and_reset(sandbox: Any) -> None:
    with client(sandbox) as http:
        assert http.post("/_sandbox/reset", json={"seed_demo": True}).json()["demo_seeded"]
        demo = {i["reference"]: i for i in http.get(BASE).json()["data"]}
        assert {r: i["status"] for r, i in demo.items()} == {
            "avatax-eu": "ACTIVE",
            "stripe-main": "ACTIVE",
            "legacy-s3-export": "ARCHIVED",
        }
        http.post("/_sandbox/reset")
        assert http.get(BASE).json()["data"] == []
        assert http.get("/v2/user_third_party_integrations").json()["results"] == []
