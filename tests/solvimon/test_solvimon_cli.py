"""Solvimon through the CLI over the real sandbox: both vendors in one directory, drift, import
round trip, validate offline and live, and connection settings."""

from __future__ import annotations

import pytest
from helpers import cli, create_live, write_yaml
from solvimon_support import BASE, TAX, TAX_YAML, client, create

from reconciler.cli import run
from reconciler.connect import Connection
from reconciler.errors import ConfigError
from reconciler.providers.registry import provider_named
from reconciler.sandbox.revcent import catalog

REVCENT_YAML = """
kind: revcent/UserThirdPartyIntegration
name: Tracking
site_integration: EasyPost
description: Parcel tracking.
"""
SECRETS = {"AVATAX_LICENSE_KEY": "canary-avatax-5d2"}


def test_a_mixed_directory_is_planned_and_applied_in_one_run(
    sandbox, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    write_yaml(tmp_path, "conf/revcent.yaml", REVCENT_YAML)
    write_yaml(tmp_path, "conf/solvimon.yaml", TAX_YAML)
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", "conf", "--detailed-exitcode")
    assert code == 2, err
    assert "+ create  avatax-eu" in out and "+ create  Tracking" in out
    assert out.endswith("Plan: 2 to create, 0 to update, 0 unchanged, 0 unmanaged.\n")
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "apply", "conf", "--auto-approve", env=SECRETS
    )
    assert code == 0, out + err
    assert "Apply: 2 applied, 0 altered, 0 failed, 0 stale." in out
    assert "canary-avatax-5d2" not in out + err
    journals = list((tmp_path / ".reconciler" / "journal").glob("*.jsonl"))
    assert journals and all("canary-avatax-5d2" not in j.read_text() for j in journals)
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", "conf", "--detailed-exitcode")
    assert code == 0, out
    assert out.endswith(
        "Plan: 0 to create, 0 to update, 2 unchanged, 0 unmanaged. "
        "No changes: the account matches the configuration.\n"
    )


def test_import_round_trip_and_drift(sandbox, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tax = create(sandbox, TAX, "activate")
    pay = {
        "reference": "stripe-main",
        "name": "Stripe",
        "type": "PAYMENT_GATEWAY",
        "authentication": {"api_key": {"header": "Authorization", "value": "sk_x"}},
        "payment_gateway": {
            "variant": "STRIPE",
            "stripe": {"public_key": "pk", "signing_secret": "w"},
        },
    }
    create(sandbox, pay, "activate", "deprecate")
    create_live(sandbox, "Tracking", catalog.EASYPOST, description="Parcel tracking.")
    code, out, err = cli(capsys, monkeypatch, sandbox, "import", "--out", "imported")
    assert code == 0, err
    assert "Imported 3 integration(s)" in out
    text = (tmp_path / "imported" / "stripe-main.yaml").read_text()
    assert "solvimon-integration.schema.json" in text.splitlines()[0]
    assert "status: DEPRECATED" in text and "sk_x" not in text and "authentication" not in text
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", "imported", "--detailed-exitcode")
    assert code == 0, out + err
    assert out.endswith("Plan: 0 to create, 0 to update, 3 unchanged, 0 unmanaged. "
                        "No changes: the account matches the configuration.\n")  # fmt: skip
    code, out, _ = cli(capsys, monkeypatch, sandbox, "drift", "imported")
    assert (code, out.splitlines()[-1]) == (
        0,
        "No drift: 0 drifted, 0 missing, 3 in sync, 0 unmanaged.",
    )

    five = {k: TAX[k] for k in ("reference", "description", "type")}
    five.update(name="Renamed in the UI")
    five["linked_resources_configurations"] = TAX["linked_resources_configurations"]
    with client(sandbox) as http:
        assert http.patch(f"{BASE}/{tax['id']}", json=five).status_code == 200
    code, out, _ = cli(capsys, monkeypatch, sandbox, "drift", "imported")
    assert code == 2, out
    assert '    name  YAML "AvaTax EU"  live "Renamed in the UI"\n' in out
    assert out.splitlines()[-1] == "Drift: 1 drifted, 0 missing, 2 in sync, 0 unmanaged."


def test_validate_offline_reports_solvimon_problems(tmp_path, capsys):
    bad = TAX_YAML.replace("password: {env: AVATAX_LICENSE_KEY}", "password: hunter2-literal")
    bad += "payment_gateway: {variant: STRIPE}\n"
    write_yaml(tmp_path, "a.yaml", bad)
    write_yaml(tmp_path, "b.yaml", TAX_YAML.replace("name: AvaTax EU", "name: Other"))
    assert run(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert (
        "a.yaml:10:15: 'password' is a secret: it must be a reference like {env: NAME} or "
        "{file: PATH}, never a literal value" in err
    )
    assert "duplicate reference 'avatax-eu': already the reference at" in err
    write_yaml(tmp_path, "a.yaml", TAX_YAML + "payment_gateway: {variant: STRIPE}\n")
    assert run(["validate", str(tmp_path / "a.yaml")]) == 1
    assert "'payment_gateway' does not apply to an integration of type TAX_CALCULATION" in (
        capsys.readouterr().err
    )


def test_validate_live_checks_type_status_and_completeness(sandbox, tmp_path, capsys, monkeypatch):
    create(sandbox, {"reference": "avatax-eu", "type": "EMAIL_PROVIDER"})
    create(sandbox, {"reference": "bare", "type": "TAX_CALCULATION"})
    write_yaml(tmp_path, "a.yaml", TAX_YAML)
    bare = "kind: solvimon/Integration\nreference: bare\nname: Bare\ntype: TAX_CALCULATION\n"
    write_yaml(tmp_path, "b.yaml", bare + "status: ACTIVE\n---\n" + bare.replace("bare", "new")
               + "status: DEPRECATED\n")  # fmt: skip
    code, _, err = cli(capsys, monkeypatch, sandbox, "validate", str(tmp_path), "--live")
    assert code == 1
    assert "the live integration is of type EMAIL_PROVIDER; Solvimon cannot change it" in err
    assert "cannot activate 'bare' while it is incomplete: tax_calculation.variant not set" in err
    assert "a new integration cannot start DEPRECATED" in err


def test_api_url_applies_to_one_provider_only(tmp_path, capsys, monkeypatch):
    write_yaml(tmp_path, "a.yaml", REVCENT_YAML + "---\n" + TAX_YAML)
    monkeypatch.setenv("REVCENT_API_KEY", "k")
    monkeypatch.setenv("SOLVIMON_API_KEY", "k")
    assert run(["plan", str(tmp_path), "--api-url", "http://127.0.0.1:9"]) == 1
    assert capsys.readouterr().err == (
        "error: --api-url names one API, but this run uses 2 providers (revcent, solvimon): "
        "set REVCENT_API_URL and SOLVIMON_API_URL instead\n"
    )


def test_platform_id_header_comes_from_the_environment(monkeypatch):
    info = provider_named("solvimon")
    monkeypatch.setenv("SOLVIMON_API_KEY", "k")
    monkeypatch.delenv("SOLVIMON_PLATFORM_ID", raising=False)
    settings = Connection().settings_for(info)
    assert (settings.auth_header, dict(settings.extra_headers)) == ("X-API-KEY", {})
    monkeypatch.setenv("SOLVIMON_PLATFORM_ID", "plat_1")
    assert Connection().settings_for(info).extra_headers == {"x-platform-id": "plat_1"}
    monkeypatch.delenv("SOLVIMON_API_KEY")
    with pytest.raises(ConfigError, match="SOLVIMON_API_KEY is not set"):
        Connection().settings_for(info)
