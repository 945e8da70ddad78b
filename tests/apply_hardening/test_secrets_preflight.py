"""Secrets preflight: apply reads every secret it would send before the first write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import cli, list_names, write_yaml

TWO = """
kind: revcent/UserThirdPartyIntegration
name: Ship A
site_integration: EasyPost
credentials:
  id: easypost_credentials
  fields:
    api_key: {env: PREFLIGHT_MISSING_A}
---
kind: solvimon/Integration
reference: mail-b
name: Mail B
type: EMAIL_PROVIDER
authentication:
  api_key:
    header: Authorization
    value: {file: missing-secret.txt}
email_provider:
  variant: MAILGUN
  mailgun:
    domain: b.example.com
    region: EU
"""


def _stats(sandbox: Any) -> dict[str, Any]:
    import httpx

    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        return dict(http.get("/_sandbox/stats").json())


def test_apply_lists_every_unreadable_secret_and_sends_nothing(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    path = write_yaml(work, "two.yaml", TWO)
    monkeypatch.delenv("PREFLIGHT_MISSING_A", raising=False)
    code, _out, err = cli(capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve")
    assert code == 1, err
    lines = err.strip().splitlines()
    assert lines[-1] == "2 error(s): nothing was sent."
    assert any(
        line.startswith(f"{path}:7:")
        and "Ship A: credential field 'api_key' refers to environment variable "
        "PREFLIGHT_MISSING_A, which is not set"
        in line
        for line in lines
    ), err
    assert any(
        line.startswith(f"{path}:16:")
        and "mail-b: credential field 'authentication.api_key.value' refers to file" in line
        for line in lines
    ), err
    assert list_names(sandbox) == []
    stats = _stats(sandbox)
    writes = {r: n for r, n in stats["by_route"].items() if not r.startswith("GET")}
    assert writes == {}
    assert not (work / ".reconciler" / "journal").exists()


def test_plan_warns_and_require_secrets_fails(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    path = write_yaml(work, "two.yaml", TWO)
    monkeypatch.delenv("PREFLIGHT_MISSING_A", raising=False)
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["summary"]["create"] == 2
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert len(warnings) == 2, err
    assert warnings[0].startswith(f"{path}:7:")
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--require-secrets")
    assert code == 1
    assert err.strip().splitlines()[-1] == "2 error(s): nothing was sent."
    (work / "missing-secret.txt").write_text("canary-file-secret-91\n", encoding="utf-8")
    code, out, err = cli(
        capsys,
        monkeypatch,
        sandbox,
        "plan",
        str(path),
        "--require-secrets",
        env={"PREFLIGHT_MISSING_A": "canary-env-secret-91"},
    )
    assert code == 0, err
    assert "warning" not in err
    assert "canary-" not in out + err
