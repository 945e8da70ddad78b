"""Concurrent-run safety: an integration changed live after planning is stale, not written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from hardening_support import apply, outcomes, plan, providers, records

from reconciler.sandbox.revcent import catalog
from tests.helpers import create_live, edit, get, write_yaml


def _writes(sandbox: Any) -> int:
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        stats = http.get("/_sandbox/stats").json()
    return sum(n for route, n in stats["by_route"].items() if not route.startswith("GET"))


def test_a_change_made_after_the_plan_marks_the_integration_stale(
    sandbox: Any, tmp_path: Path
) -> None:
    moved = create_live(sandbox, "Moved", catalog.EASYPOST, description="old")
    still = create_live(sandbox, "Still", catalog.EASYPOST, description="old")
    path = write_yaml(
        tmp_path,
        "two.yaml",
        "kind: revcent/UserThirdPartyIntegration\nname: Moved\nsite_integration: EasyPost\n"
        "description: new\n---\n"
        "kind: revcent/UserThirdPartyIntegration\nname: Still\nsite_integration: EasyPost\n"
        "description: new\n",
    )
    the_plan = plan(sandbox, path)
    edit(sandbox, moved, {"name": "Moved", "enabled": False, "description": "a person's edit"})
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        http.post("/_sandbox/stats/reset")
    journal = tmp_path / "j.jsonl"
    report = apply(providers(sandbox), the_plan, journal)
    assert outcomes(report) == {("revcent", "Moved"): "stale", ("revcent", "Still"): "applied"}
    stale = next(r for r in report.results if r.outcome == "stale")
    assert stale.message is not None
    assert "another run or a person changed it; nothing was sent (plan again)" in stale.message
    assert [s.status for s in stale.steps] == ["skipped"]
    assert get(sandbox, moved)["description"] == "a person's edit"
    assert get(sandbox, still)["description"] == "new"
    assert _writes(sandbox) == 1  # Still's one Edit
    assert report.exit_code == 4
    events = records(journal)
    assert [(e["event"], e.get("integration")) for e in events if e["event"] == "stale"] == [
        ("stale", "Moved")
    ]
    assert events[-1]["event"] == "finish"
