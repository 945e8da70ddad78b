"""Injected faults over real HTTP: latency without blocking, 429, 5xx, drops, altered writes."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from typing import Any

import httpx
import pytest

from reconciler.sandbox.faults import FaultConfig, FaultInjector, TokenBucket, format_retry_after
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.server import RunningSandbox

USER = "/v2/user_third_party_integrations"
EASYPOST_CREDS = {"id": "easypost_credentials", "fields": [{"id": "api_key", "value": "k"}]}


def _put_faults(client: httpx.Client, **settings: Any) -> None:
    resp = client.put("/_sandbox/faults", json=settings)
    assert resp.status_code == 200, resp.text


def test_latency_is_concurrent(sandbox: RunningSandbox) -> None:
    sandbox.set_faults(FaultConfig(latency_ms=100))

    async def burst() -> list[int]:
        limits = httpx.Limits(max_connections=64)
        headers = {"x-api-key": sandbox.api_key}
        async with httpx.AsyncClient(
            base_url=sandbox.url, headers=headers, limits=limits, timeout=10
        ) as client:
            answers = await asyncio.gather(*(client.get(USER) for _ in range(64)))
        return [a.status_code for a in answers]

    started = time.perf_counter()
    statuses = asyncio.run(burst())
    elapsed = time.perf_counter() - started
    assert statuses == [200] * 64
    assert 0.1 <= elapsed < 2.0, elapsed  # 64 × 0.1 s would be 6.4 s if serialised


def test_a_request_is_handled_on_arrival_and_answered_after_the_latency(
    sandbox: RunningSandbox,
) -> None:
    """An Edit is stored as soon as it arrives; its answer comes the whole latency later."""
    from tests.helpers import create_live

    integration_id = create_live(sandbox, "Arrival", catalog.EASYPOST, description="old")
    sandbox.set_faults(FaultConfig(latency_ms=1200))

    def stored_description() -> str:
        with sqlite3.connect(sandbox.db_path) as db:
            row = db.execute(
                "SELECT description FROM integrations WHERE id = ?", (integration_id,)
            ).fetchone()
        return str(row[0])

    answered: list[float] = []
    headers = {"x-api-key": sandbox.api_key}

    def send() -> None:
        with httpx.Client(base_url=sandbox.url, headers=headers, timeout=10) as http:
            answer = http.post(f"{USER}/{integration_id}", json={"description": "new"})
            assert answer.status_code == 200, answer.text
        answered.append(time.perf_counter())

    started = time.perf_counter()
    sender = threading.Thread(target=send)
    sender.start()
    deadline = started + 0.9
    while stored_description() != "new" and time.perf_counter() < deadline:
        time.sleep(0.02)
    stored_at = time.perf_counter() - started
    stored, still_waiting = stored_description(), not answered
    sender.join(timeout=10)
    assert (stored, still_waiting) == ("new", True)
    assert stored_at < 0.9, stored_at  # at once, not after the 1.2 s latency
    assert answered and answered[0] - started >= 1.15  # the whole latency, from arrival


def test_rate_limit_answers_429_with_retry_after(
    sandbox_client: httpx.Client, check_vendor: Any
) -> None:
    _put_faults(sandbox_client, rate_limit=1, rate_limit_burst=1)
    assert sandbox_client.get(USER).status_code == 200
    limited = sandbox_client.get(USER)
    assert limited.status_code == 429
    check_vendor("error", limited.json())
    assert limited.json()["error_code"] == "rate_limited"
    wait = float(limited.headers["Retry-After"])
    assert 0 < wait <= 1
    # Admin routes are never limited, so a test can always read the stats.
    stats = sandbox_client.get("/_sandbox/stats").json()
    assert stats["rate_limited"] == 1 and stats["by_status"] == {"200": 1, "429": 1}


def test_retry_after_is_honoured_by_waiting(sandbox_client: httpx.Client) -> None:
    _put_faults(sandbox_client, rate_limit=20, rate_limit_burst=1)
    assert sandbox_client.get(USER).status_code == 200
    limited = sandbox_client.get(USER)
    assert limited.status_code == 429
    wait = float(limited.headers["Retry-After"])
    assert 0 < wait <= 0.05
    time.sleep(wait)
    assert sandbox_client.get(USER).status_code == 200


def test_retry_after_format() -> None:
    assert format_retry_after(0.05) == "0.05"
    assert format_retry_after(0.04999) == "0.05"
    assert format_retry_after(1.0) == "1"
    assert format_retry_after(0.0000001) == "0.001"


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=2, clock=lambda: now[0])
    assert bucket.take() == 0 and bucket.take() == 0
    assert bucket.take() == pytest.approx(0.1)
    now[0] = 0.1
    assert bucket.take() == 0


def test_error_rate_one_answers_5xx_without_doing_the_work(
    sandbox_client: httpx.Client, check_vendor: Any
) -> None:
    _put_faults(sandbox_client, error_rate=1)
    for _ in range(6):
        resp = sandbox_client.post(
            USER, json={"name": "never", "site_third_party_integration": catalog.EASYPOST}
        )
        assert resp.status_code in (500, 503)
        check_vendor("error", resp.json())
        expected = {500: "internal_error", 503: "service_unavailable"}[resp.status_code]
        assert resp.json()["error_code"] == expected
    _put_faults(sandbox_client)
    assert sandbox_client.get(USER).json()["current_count"] == 0
    assert sandbox_client.get("/_sandbox/stats").json()["injected_errors"] == 6


def test_dropped_create_is_committed(sandbox_client: httpx.Client) -> None:
    _put_faults(sandbox_client, drop_rate=1)
    with pytest.raises(httpx.TransportError):
        sandbox_client.post(
            USER, json={"name": "Dropped", "site_third_party_integration": catalog.EASYPOST}
        )
    # Refusals are answered: only committed writes are dropped.
    refused = sandbox_client.post(USER, json={"name": "Dropped"})
    assert refused.status_code == 400
    _put_faults(sandbox_client)
    names = [i["name"] for i in sandbox_client.get(USER).json()["results"]]
    assert names == ["Dropped"]
    assert sandbox_client.get("/_sandbox/stats").json()["dropped"] == 1


def test_dropped_edit_is_committed(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    new_id = sandbox_api.create(name="E", site_third_party_integration=catalog.EASYPOST)
    _put_faults(sandbox_client, drop_rate=1)
    with pytest.raises(httpx.TransportError):
        sandbox_client.post(f"{USER}/{new_id}", json={"description": "kept"})
    assert sandbox_client.get(f"{USER}/{new_id}").json()["description"] == "kept"


def test_alter_rate_one_stores_something_else(
    sandbox_client: httpx.Client, sandbox_api: Any
) -> None:
    new_id = sandbox_api.create(
        name="A",
        site_third_party_integration=catalog.EASYPOST,
        third_party_credentials=EASYPOST_CREDS,
    )
    _put_faults(sandbox_client, alter_rate=1)
    sandbox_api.edit(new_id, name="B")
    assert sandbox_api.get(new_id)["name"] == "B (altered)"
    sandbox_api.edit(new_id, description="words")
    assert sandbox_api.get(new_id)["description"] == "words (altered)"
    sandbox_api.edit(new_id, enabled=False)
    assert sandbox_api.get(new_id)["enabled"] is True
    assert sandbox_client.get("/_sandbox/stats").json()["altered"] == 3


def test_alter_drops_the_last_option(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    creds = {
        "id": "sezzle_credentials",
        "fields": [{"id": "public_key", "value": "p"}, {"id": "private_key", "value": "q"}],
    }
    new_id = sandbox_api.create(
        name="S", site_third_party_integration=catalog.SEZZLE, third_party_credentials=creds
    )
    merchant = {
        "id": "merchant",
        "fields": [{"id": "merchant_uuid", "value": ["merchant-us-main"]}],
    }
    capture = {"id": "capture", "fields": [{"id": "capture_mode", "value": ["auto"]}]}
    _put_faults(sandbox_client, alter_rate=1)
    sandbox_api.edit(new_id, third_party_options=[merchant, capture])
    assert sandbox_api.get(new_id)["third_party_options_saved"] == [merchant]


def test_fault_decisions_are_reproducible_with_a_seed(sandbox_client: httpx.Client) -> None:
    def run() -> list[int]:
        _put_faults(sandbox_client, error_rate=0.5, seed=7)
        return [sandbox_client.get(USER).status_code for _ in range(30)]

    first = run()
    assert first == run()
    assert {200} < set(first)  # some fail, some pass


def test_injector_streams_are_independent() -> None:
    a = FaultInjector(FaultConfig(error_rate=0.5, seed=1))
    b = FaultInjector(FaultConfig(error_rate=0.5, drop_rate=0.5, seed=1))
    for _ in range(20):
        b.drop()
    assert [a.server_error() for _ in range(30)] == [b.server_error() for _ in range(30)]


def test_fault_config_from_env_and_dict() -> None:
    env = {"RECONCILER_SANDBOX_LATENCY_MS": "20", "RECONCILER_SANDBOX_FAULT_SEED": "3"}
    assert FaultConfig.from_env(env) == FaultConfig(latency_ms=20, seed=3)
    assert FaultConfig.from_env({}) == FaultConfig()
    assert FaultConfig.from_dict({"drop_rate": 1}).drop_rate == 1.0
    for bad in ({"drop_rate": 2}, {"latency_ms": -1}, {"nope": 1}, {"seed": "x"}):
        with pytest.raises(ValueError):
            FaultConfig.from_dict(bad)
    with pytest.raises(ValueError, match="RECONCILER_SANDBOX_ERROR_RATE"):
        FaultConfig.from_env({"RECONCILER_SANDBOX_ERROR_RATE": "lots"})
