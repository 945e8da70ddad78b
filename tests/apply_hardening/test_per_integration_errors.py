"""A failure of one integration (a provider error, a secret gone late) never stops the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hardening_support import apply, outcomes, plan, providers, records

from reconciler.sandbox.revcent import catalog
from tests.helpers import create_live, get, write_yaml

MAIL = """
kind: solvimon/Integration
reference: mail-sys
name: Mail System
type: EMAIL_PROVIDER
email_provider:
  variant: SYSTEM
"""


def _both(sandbox: Any, work: Path) -> tuple[Path, str]:
    ship = create_live(sandbox, "Ship", catalog.EASYPOST, description="old")
    path = write_yaml(
        work,
        "both.yaml",
        "kind: revcent/UserThirdPartyIntegration\nname: Ship\nsite_integration: EasyPost\n"
        "description: new\n---\n" + MAIL.lstrip(),
    )
    return path, ship


def test_a_provider_exception_fails_its_integration_only(sandbox: Any, tmp_path: Path) -> None:
    path, ship = _both(sandbox, tmp_path)
    the_plan = plan(sandbox, path)
    opened = providers(sandbox)
    opened["solvimon"].close()  # its HTTP client raises RuntimeError, not an ApiError
    journal = tmp_path / "j.jsonl"
    report = apply(opened, the_plan, journal)
    assert outcomes(report) == {("revcent", "Ship"): "applied", ("solvimon", "mail-sys"): "failed"}
    failed = next(r for r in report.results if r.outcome == "failed")
    assert failed.message is not None
    assert failed.message.startswith("postIntegrations (create (DRAFT)) failed: internal error: ")
    assert "RuntimeError" in failed.message
    assert report.exit_code == 4
    assert get(sandbox, ship)["description"] == "new"
    events = records(journal)
    assert events[-1]["event"] == "finish"
    assert any(e["event"] == "failed" and e["integration"] == "mail-sys" for e in events)


def test_nothing_sent_exits_1(sandbox: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "mail.yaml", MAIL)
    the_plan = plan(sandbox, path)
    opened = providers(sandbox)
    opened["solvimon"].close()
    journal = tmp_path / "j.jsonl"
    report = apply(opened, the_plan, journal)
    assert outcomes(report) == {("solvimon", "mail-sys"): "failed"}
    assert report.exit_code == 1
    assert records(journal)[-1]["event"] == "finish"


def test_a_secret_gone_after_the_preflight_fails_that_integration(
    sandbox: Any, tmp_path: Path
) -> None:
    secret = tmp_path / "key.txt"
    secret.write_text("canary-late-secret-44\n", encoding="utf-8")
    path = write_yaml(
        tmp_path,
        "two.yaml",
        "kind: revcent/UserThirdPartyIntegration\nname: Ship New\nsite_integration: EasyPost\n"
        "credentials:\n  id: easypost_credentials\n  fields:\n    api_key: {file: key.txt}\n"
        "---\n" + MAIL.lstrip(),
    )
    the_plan = plan(sandbox, path)
    secret.unlink()  # e.g. a rotated secret file, removed while the run was on its way
    journal = tmp_path / "j.jsonl"
    report = apply(providers(sandbox), the_plan, journal)
    assert outcomes(report) == {
        ("revcent", "Ship New"): "failed",
        ("solvimon", "mail-sys"): "applied",
    }
    failed = next(r for r in report.results if r.outcome == "failed")
    assert failed.message is not None
    assert "Ship New: credential field 'api_key' refers to file" in failed.message
    assert report.exit_code == 4
    text = journal.read_text(encoding="utf-8")
    assert "canary-late-secret-44" not in text
    assert records(journal)[-1]["event"] == "finish"
