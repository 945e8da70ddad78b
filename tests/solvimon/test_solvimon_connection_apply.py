"""Apply tests a Solvimon connection before activating, against the real sandbox: the planned
step, a failed test stopping that integration (nothing else of it changed) while others go on,
credentials saved in Solvimon only, and the provider's default mandates."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import cli, write_yaml
from solvimon_support import TAX, TAX_YAML, apply, create, get, listed, plan, provider, stats

from reconciler.plan import SENSITIVE, redact

CANARY = "reject-canary-5c1e"  # refused by the sandbox's provider (it starts with "reject")
TEST_PATH = (
    "/v1/integrations/test-connection?integration_type=TAX_CALCULATION"
    "&tax_calculation_variant=AVATAX"
)
PURPOSE = "test the connection before activate; changes nothing, a failure stops here"
REFUSED = (
    f"postIntegrationsTestConnection ({PURPOSE}) failed: Solvimon's connection test failed: "
    "AvaTax refused the credentials (authentication.username_password.password): 401; not "
    "activated"
)
MAIL = """
kind: solvimon/Integration
reference: mail-system
name: Mail
type: EMAIL_PROVIDER
status: ACTIVE
email_provider:
  variant: SYSTEM
"""


def _ops(result: Any) -> list[tuple[str, str]]:
    return [(s.step.operation, s.status) for s in result.steps]


def test_a_create_with_status_active_tests_then_activates(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("AVATAX_LICENSE_KEY", "lk-good-1")
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    change = plan(sandbox, path).changes[0]
    assert [(s.operation, s.method, s.path, s.risk, s.purpose) for s in change.steps][1] == (
        "postIntegrationsTestConnection",
        "POST",
        TEST_PATH,
        "low",
        PURPOSE,
    )
    assert redact(change.steps[1].body) == {
        "authentication": {"username_password": {"username": "2000123456", "password": SENSITIVE}}
    }
    report = apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl")
    (result,) = report.results
    assert _ops(result) == [
        ("postIntegrations", "verified"),
        ("postIntegrationsTestConnection", "verified"),
        ("postIntegrationsByResourceIdActivate", "verified"),
    ]
    assert get(sandbox, str(result.id))["status"] == "ACTIVE"
    assert stats(sandbox)["by_route"]["POST /v1/integrations/test-connection"] == 1


def test_a_refused_connection_leaves_the_created_integration_draft(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("AVATAX_LICENSE_KEY", CANARY)
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    report = apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl")
    (result,) = report.results
    assert (result.outcome, result.message) == ("failed", REFUSED)
    assert _ops(result) == [
        ("postIntegrations", "verified"),
        ("postIntegrationsTestConnection", "failed"),
        ("postIntegrationsByResourceIdActivate", "skipped"),
    ]
    assert report.exit_code == 4  # the create went out
    assert [(i["reference"], i["status"]) for i in listed(sandbox)] == [("avatax-eu", "DRAFT")]
    assert "POST /v1/integrations/{id}/activate" not in stats(sandbox)["by_route"]
    assert CANARY not in (tmp_path / "j.jsonl").read_text(encoding="utf-8")


def test_an_update_to_active_with_refused_credentials_changes_nothing(
    sandbox, tmp_path, monkeypatch
):
    """The test goes first in an update: the rename is not sent, the status stays DRAFT, and
    another integration of the same run is applied."""
    monkeypatch.setenv("AVATAX_LICENSE_KEY", CANARY)
    live = create(sandbox, TAX)  # DRAFT
    text = TAX_YAML.replace("name: AvaTax EU", "name: AvaTax Europe") + "---\n" + MAIL
    path = write_yaml(tmp_path, "both.yaml", text)
    the_plan = plan(sandbox, path)
    tax = next(c for c in the_plan.changes if c.key == "avatax-eu")
    assert [s.operation for s in tax.steps] == [
        "postIntegrationsTestConnection",
        "patchIntegrationsByResourceId",
        "postIntegrationsByResourceIdActivate",
    ]
    report = apply(sandbox, the_plan, tmp_path / "j.jsonl")
    by_name = {r.change.key: r for r in report.results}
    assert (by_name["avatax-eu"].outcome, by_name["avatax-eu"].message) == ("failed", REFUSED)
    assert _ops(by_name["avatax-eu"]) == [
        ("postIntegrationsTestConnection", "failed"),
        ("patchIntegrationsByResourceId", "skipped"),
        ("postIntegrationsByResourceIdActivate", "skipped"),
    ]
    assert by_name["avatax-eu"].sent is False
    assert by_name["mail-system"].outcome == "applied"
    after = get(sandbox, live["id"])
    assert (after["name"], after["status"]) == ("AvaTax EU", "DRAFT")
    assert "PATCH /v1/integrations/{id}" not in stats(sandbox)["by_route"]
    assert report.exit_code == 4


def test_credentials_saved_in_solvimon_only_are_not_tested_and_the_plan_says_so(sandbox, tmp_path):
    create(sandbox, TAX)  # the password is saved in Solvimon
    text = TAX_YAML.replace("    password: {env: AVATAX_LICENSE_KEY}\n", "")
    change = plan(sandbox, write_yaml(tmp_path, "tax.yaml", text)).changes[0]
    assert [s.operation for s in change.steps] == ["postIntegrationsByResourceIdActivate"]
    assert change.notes == (
        "the connection is not tested before activate: Solvimon tests the credentials sent "
        "with the request, and this file does not hold "
        "authentication.username_password.password (saved in Solvimon only, which never "
        "shows it); write it as {env: …} to have it tested",
    )


def test_the_username_the_yaml_leaves_out_is_taken_from_live(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("AVATAX_LICENSE_KEY", "lk-good-1")
    create(sandbox, TAX)
    text = TAX_YAML.replace('    username: "2000123456"\n', "")
    change = plan(sandbox, write_yaml(tmp_path, "tax.yaml", text)).changes[0]
    assert redact(change.steps[0].body) == {
        "authentication": {"username_password": {"username": "2000123456", "password": SENSITIVE}}
    }


def test_a_type_without_credentials_is_tested_with_none(sandbox, tmp_path):
    path = write_yaml(tmp_path, "mail.yaml", MAIL)
    change = plan(sandbox, path).changes[0]
    test = change.steps[1]
    assert (test.path, dict(test.body)) == (
        "/v1/integrations/test-connection?integration_type=EMAIL_PROVIDER",
        {"authentication": {}},
    )
    report = apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl")
    assert report.results[0].outcome == "applied"


def test_no_test_without_an_activation(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("AVATAX_LICENSE_KEY", CANARY)
    create(sandbox, TAX, "activate")
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML.replace("AvaTax EU", "AvaTax Europe"))
    assert [s.operation for s in plan(sandbox, path).changes[0].steps] == [
        "patchIntegrationsByResourceId"
    ]


def test_plan_and_apply_output_never_show_the_secret(sandbox, tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    env = {"AVATAX_LICENSE_KEY": CANARY}
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "plan", str(path), "--format", "json", env=env
    )
    assert code == 0
    assert '"operation": "postIntegrationsTestConnection"' in out
    assert CANARY not in out + err
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve", env=env
    )
    assert code == 4
    assert REFUSED in out + err
    assert CANARY not in out + err


def test_default_mandates_from_the_provider(sandbox):
    solvimon = provider(sandbox)
    try:
        mandates = solvimon.default_mandates()
    finally:
        solvimon.close()
    assert [(m["name"], m["country"]) for m in mandates] == [
        ("BE-B2B-PEPPOL", "BE"),
        ("DE-B2B-XRECHNUNG", "DE"),
        ("DE-B2G-XRECHNUNG", "DE"),
        ("ES-B2G-FACE", "ES"),
        ("FR-B2B-FACTURX", "FR"),
        ("IT-B2B-SDI", "IT"),
        ("NL-B2G-PEPPOL", "NL"),
        ("PL-B2B-KSEF", "PL"),
    ]
    assert [f["type"] for f in mandates[4]["supported_file_formats"]] == ["CII", "PDF"]
    assert stats(sandbox)["by_route"] == {"GET /v1/integrations/e-invoicing/default-mandates": 1}


@pytest.fixture(autouse=True)
def _no_stray_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AVATAX_LICENSE_KEY", raising=False)
