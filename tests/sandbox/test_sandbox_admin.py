"""The sandbox-only ``/_sandbox/`` routes: faults, stats, reset, bulk seeding, drift."""

from __future__ import annotations

import time
from typing import Any

import httpx

from reconciler.sandbox.revcent import catalog

USER = "/v2/user_third_party_integrations"


def test_faults_round_trip(sandbox_client: httpx.Client) -> None:
    assert sandbox_client.get("/_sandbox/faults").json()["drop_rate"] == 0
    put = sandbox_client.put("/_sandbox/faults", json={"latency_ms": 5, "seed": 9})
    assert put.status_code == 200
    got = sandbox_client.get("/_sandbox/faults").json()
    assert got == put.json()
    assert got["latency_ms"] == 5 and got["seed"] == 9 and got["error_rate"] == 0
    # PUT replaces: what is not sent returns to its default.
    sandbox_client.put("/_sandbox/faults", json={"error_rate": 0})
    assert sandbox_client.get("/_sandbox/faults").json()["latency_ms"] == 0


def test_faults_refuses_bad_settings(sandbox_client: httpx.Client, check_vendor: Any) -> None:
    for body in ({"error_rate": 3}, {"latency": 1}, [1], {"seed": 1.5}):
        resp = sandbox_client.put("/_sandbox/faults", json=body)
        assert resp.status_code == 400, body
        check_vendor("error", resp.json())
        assert resp.json()["error_code"] == "invalid_request"


def test_stats_count_routes_and_statuses(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    new_id = sandbox_api.create(name="E", site_third_party_integration=catalog.EASYPOST)
    sandbox_api.get(new_id)
    sandbox_client.get(f"{USER}/{'x' * 20}")
    stats = sandbox_client.get("/_sandbox/stats").json()
    assert stats["total"] == 3
    assert stats["by_route"] == {
        "GET /v2/user_third_party_integrations/{id}": 2,
        "POST /v2/user_third_party_integrations": 1,
    }
    assert stats["by_status"] == {"200": 2, "404": 1}
    assert sandbox_client.post("/_sandbox/stats/reset").json()["code"] == 1
    assert sandbox_client.get("/_sandbox/stats").json()["total"] == 0


def test_reset_empties_the_account(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    sandbox_api.create(name="E", site_third_party_integration=catalog.EASYPOST)
    resp = sandbox_client.post("/_sandbox/reset")
    assert resp.status_code == 200 and resp.json()["demo_seeded"] is False
    assert sandbox_client.get(USER).json()["current_count"] == 0
    again = sandbox_client.post("/_sandbox/reset", json={"seed_demo": True})
    assert again.json()["demo_seeded"] is True
    assert sandbox_client.get(USER).json()["current_count"] == 4


def test_forget_credentials_hides_assets(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    creds = {"id": "openai_credentials", "fields": [{"id": "api_key", "value": "sk"}]}
    new_id = sandbox_api.create(
        name="AI", site_third_party_integration=catalog.OPENAI, third_party_credentials=creds
    )
    options = [{"id": "model", "fields": [{"id": "model_id", "value": ["gpt-4o"]}]}]
    sandbox_api.edit(new_id, third_party_options=options, enabled=True)
    resp = sandbox_client.post(f"/_sandbox/integrations/{new_id}/forget_credentials")
    assert resp.status_code == 200
    view = sandbox_api.get(new_id)
    assert view["third_party_credentials_saved"] == []
    assert view["third_party_options_saved"] == options  # drift in credentials only
    model = view["site_third_party_integration"]["third_party_options"][0]["fields"][0]
    assert model["select_settings"]["options"] == []
    # Still enabled (drift), a description edit goes through; re-enabling does not.
    sandbox_api.edit(new_id, description="d")
    refused = sandbox_client.post(f"{USER}/{new_id}", json={"enabled": True})
    assert refused.json()["error_code"] == "integration_incomplete"
    missing = sandbox_client.post("/_sandbox/integrations/nope/forget_credentials")
    assert missing.status_code == 404 and missing.json()["error_code"] == "integration_not_found"


def test_seed_bulk_creates_complete_varied_integrations(
    sandbox_client: httpx.Client, check_vendor: Any
) -> None:
    resp = sandbox_client.post("/_sandbox/seed", json={"count": 30, "prefix": "b-"})
    assert resp.status_code == 200
    assert resp.json()["created"] == 30 and len(resp.json()["ids"]) == 30
    first = sandbox_client.get(USER, params={"limit": 25}).json()
    check_vendor("list", first)
    assert first["results"][0]["name"] == "b-01"
    sites = {i["site_third_party_integration"]["id"] for i in first["results"]}
    assert sites == {s["id"] for s in catalog.SITE_INTEGRATIONS}
    assert all(i["third_party_credentials_saved"] for i in first["results"])
    assert any(i["enabled"] for i in first["results"])
    assert not all(i["enabled"] for i in first["results"])
    for new_id in resp.json()["ids"][:3]:
        check_vendor("get", sandbox_client.get(f"{USER}/{new_id}").json())
    # All or nothing: the same names again collide.
    dup = sandbox_client.post("/_sandbox/seed", json={"count": 30, "prefix": "b-"})
    assert dup.status_code == 409 and dup.json()["error_code"] == "duplicate_name"
    assert sandbox_client.get(USER, params={"page": 2}).json()["current_count"] == 5
    for bad in ({"count": 0}, {"prefix": "x"}, {"count": "3"}, {"count": 2, "other": 1}):
        assert sandbox_client.post("/_sandbox/seed", json=bad).status_code == 400, bad


def test_ten_thousand_integrations_stay_fast(sandbox_client: httpx.Client) -> None:
    started = time.perf_counter()
    resp = sandbox_client.post("/_sandbox/seed", json={"count": 10_000})
    assert resp.status_code == 200
    seeding = time.perf_counter() - started
    assert seeding < 5, seeding
    ids = resp.json()["ids"]
    started = time.perf_counter()
    last = sandbox_client.get(USER, params={"limit": 25, "page": 400}).json()
    for integration_id in ids[-50:]:
        assert sandbox_client.get(f"{USER}/{integration_id}").status_code == 200
    reading = time.perf_counter() - started
    assert [i["id"] for i in last["results"]] == ids[-25:]
    assert reading < 1.0, reading  # 51 requests: indexed lookups, no table scans
