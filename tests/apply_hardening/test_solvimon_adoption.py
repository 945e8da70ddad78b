"""A Solvimon create whose answer is lost, on an API that ignores the Idempotency-Key:
the retry meets 409 RESOURCE_ALREADY_EXISTS, and the executor adopts by reference."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
from hardening_support import apply, outcomes, plan, providers, records

from reconciler.sandbox.faults import FaultConfig
from tests.helpers import write_yaml

MAIL = """
kind: solvimon/Integration
reference: mail-lost
name: Mail Lost
type: EMAIL_PROVIDER
{status}email_provider:
  variant: SYSTEM
"""


def _listed(sandbox: Any) -> list[dict[str, Any]]:
    with httpx.Client(
        base_url=sandbox.url, headers={"X-API-KEY": sandbox.api_key}, timeout=10
    ) as http:
        return list(http.get("/v1/integrations", params={"limit": 100}).json()["data"])


def test_lost_create_without_idempotency_is_adopted(sandbox: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "mail.yaml", MAIL.format(status=""))
    the_plan = plan(sandbox, path)
    sandbox.set_faults(FaultConfig(drop_rate=1.0, ignore_idempotency_rate=1.0))
    journal = tmp_path / "j.jsonl"
    report = apply(providers(sandbox), the_plan, journal)
    sandbox.set_faults(FaultConfig())
    assert outcomes(report) == {("solvimon", "mail-lost"): "applied"}, report.results[0].message
    (step,) = report.results[0].steps
    assert (step.status, step.adopted) == ("verified", True)
    live = _listed(sandbox)
    assert [(i["reference"], i["status"]) for i in live] == [("mail-lost", "DRAFT")]
    assert report.results[0].id == live[0]["id"]
    events = [e["event"] for e in records(journal)]
    assert events[-1] == "finish"
    assert "ambiguous" in events and "adopted" in events
    ambiguous = next(e for e in records(journal) if e["event"] == "ambiguous")
    assert "RESOURCE_ALREADY_EXISTS" in ambiguous["error"]


def _seed_dropping_only_the_first_write() -> int:
    """A fault seed whose drop stream drops the first committed write and not the second
    (the sandbox draws drops from ``random.Random(f"{seed}:drop")``; a 409 draws none)."""
    for seed in range(1000):
        rng = random.Random(f"{seed}:drop")
        if rng.random() < 0.5 <= rng.random():
            return seed
    raise AssertionError("no seed found")


def test_adopted_create_goes_on_with_activation(sandbox: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "mail.yaml", MAIL.format(status="status: ACTIVE\n"))
    the_plan = plan(sandbox, path)
    seed = _seed_dropping_only_the_first_write()
    sandbox.set_faults(FaultConfig(drop_rate=0.5, ignore_idempotency_rate=1.0, seed=seed))
    report = apply(providers(sandbox), the_plan, tmp_path / "j.jsonl")
    sandbox.set_faults(FaultConfig())
    result = report.results[0]
    assert [(s.step.operation, s.status) for s in result.steps] == [
        ("postIntegrations", "verified"),
        ("postIntegrationsTestConnection", "verified"),  # the connection test goes on too
        ("postIntegrationsByResourceIdActivate", "verified"),
    ], result.message
    assert result.steps[0].adopted
    live = _listed(sandbox)
    assert [(i["reference"], i["status"]) for i in live] == [("mail-lost", "ACTIVE")]


def test_a_first_409_is_a_conflict_not_adopted(sandbox: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "mail.yaml", MAIL.format(status=""))
    the_plan = plan(sandbox, path)
    with httpx.Client(
        base_url=sandbox.url, headers={"X-API-KEY": sandbox.api_key}, timeout=10
    ) as http:
        made = http.post(
            "/v1/integrations",
            json={
                "reference": "mail-lost",
                "name": "Someone else's",
                "type": "EMAIL_PROVIDER",
                "email_provider": {"variant": "SYSTEM"},
            },
        )
        assert made.status_code == 201, made.text
    report = apply(providers(sandbox), the_plan, tmp_path / "j.jsonl")
    result = report.results[0]
    assert result.outcome == "failed"
    assert result.message is not None and "RESOURCE_ALREADY_EXISTS" in result.message
    assert not result.steps[0].adopted
    assert [i["name"] for i in _listed(sandbox)] == ["Someone else's"]
