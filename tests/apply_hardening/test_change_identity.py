"""Changes are identified by (provider, name): the same name at two vendors never collides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from hardening_support import plan, records

from reconciler.sandbox.revcent import catalog
from tests.helpers import cli, create_live, edit, get, write_yaml

SAME_NAME = """
kind: revcent/UserThirdPartyIntegration
name: tax
site_integration: EasyPost
description: revcent tax, edited
---
kind: solvimon/Integration
reference: tax
name: Solvimon tax
description: solvimon tax, edited
type: EMAIL_PROVIDER
email_provider:
  variant: SYSTEM
"""


def _solvimon_create(sandbox: Any, body: dict[str, Any]) -> str:
    with httpx.Client(
        base_url=sandbox.url, headers={"X-API-KEY": sandbox.api_key}, timeout=10
    ) as http:
        answer = http.post("/v1/integrations", json=body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])


def _solvimon_get(sandbox: Any, integration_id: str) -> dict[str, Any]:
    with httpx.Client(
        base_url=sandbox.url, headers={"X-API-KEY": sandbox.api_key}, timeout=10
    ) as http:
        return dict(http.get(f"/v1/integrations/{integration_id}").json())


def test_stale_revcent_tax_does_not_skip_fresh_solvimon_tax(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    revcent = create_live(sandbox, "tax", catalog.EASYPOST, description="revcent tax")
    solvimon = _solvimon_create(
        sandbox,
        {
            "reference": "tax",
            "name": "Solvimon tax",
            "description": "solvimon tax",
            "type": "EMAIL_PROVIDER",
            "email_provider": {"variant": "SYSTEM"},
        },
    )
    path = write_yaml(work, "tax.yaml", SAME_NAME)
    code, _, err = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--out", "plan.json")
    assert code == 0, err
    edit(sandbox, revcent, {"description": "changed by a person meanwhile"})
    code, out, err = cli(
        capsys,
        monkeypatch,
        sandbox,
        "apply",
        "plan.json",
        "--auto-approve",
        "--format",
        "json",
        "--journal",
        "j.jsonl",
        "--max-change-percent",
        "100",
    )
    assert code == 4, err
    report = json.loads(out)
    got = {(r["provider"], r["name"]): r["outcome"] for r in report["integrations"]}
    assert got == {("revcent", "tax"): "stale", ("solvimon", "tax"): "applied"}
    assert get(sandbox, revcent)["description"] == "changed by a person meanwhile"
    assert _solvimon_get(sandbox, solvimon)["description"] == "solvimon tax, edited"
    events = records(work / "j.jsonl")
    stale = [e for e in events if e["event"] == "stale"]
    assert [(e["provider"], e["integration"]) for e in stale] == [("revcent", "tax")]
    verified = [(e["provider"], e["integration"]) for e in events if e["event"] == "verified"]
    assert verified == [("solvimon", "tax")]


def test_rotate_names_one_vendor_with_provider_prefix(sandbox: Any, tmp_path: Path) -> None:
    create_live(
        sandbox,
        "tax",
        catalog.EASYPOST,
        description="revcent tax, edited",
        credentials={"api_key": "k"},
        credential_id="easypost_credentials",
    )
    _solvimon_create(
        sandbox,
        {
            "reference": "tax",
            "name": "Mail tax",
            "type": "EMAIL_PROVIDER",
            "authentication": {"api_key": {"header": "Authorization", "value": "old"}},
            "email_provider": {"variant": "MAILGUN", "mailgun": {"domain": "t.example.com"}},
        },
    )
    path = write_yaml(
        tmp_path,
        "tax.yaml",
        "kind: revcent/UserThirdPartyIntegration\nname: tax\nsite_integration: EasyPost\n"
        "description: revcent tax, edited\ncredentials:\n  id: easypost_credentials\n"
        "  fields:\n    api_key: {env: ROTATE_REVCENT}\n---\n"
        "kind: solvimon/Integration\nreference: tax\nname: Mail tax\ntype: EMAIL_PROVIDER\n"
        "authentication:\n  api_key:\n    header: Authorization\n"
        "    value: {env: ROTATE_SOLVIMON}\n"
        "email_provider:\n  variant: MAILGUN\n  mailgun:\n    domain: t.example.com\n",
    )
    only_solvimon = plan(sandbox, path, rotate=("solvimon:tax",))
    by_key = {(c.provider, c.key): c.action for c in only_solvimon.changes}
    assert by_key == {("revcent", "tax"): "noop", ("solvimon", "tax"): "update"}
    only_revcent = plan(sandbox, path, rotate=("revcent:tax",))
    by_key = {(c.provider, c.key): c.action for c in only_revcent.changes}
    assert by_key == {("revcent", "tax"): "update", ("solvimon", "tax"): "noop"}
    both = plan(sandbox, path, rotate=("tax",))
    assert {c.action for c in both.changes} == {"update"}
