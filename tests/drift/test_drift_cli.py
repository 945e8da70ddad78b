"""``reconciler drift`` over the real sandbox: changes made behind the tool's back, and none."""

from __future__ import annotations

import json

import pytest
from drift_support import EXAMPLES, example_secrets, forget_credentials
from helpers import cli, create_live, edit, get, write_yaml

from reconciler.sandbox.revcent import catalog

AVALARA_YAML = """
kind: revcent/UserThirdPartyIntegration
name: Main Tax
id: {id}
description: Tax for renewals.
enabled: true
site_integration: Avalara
credentials: {{id: avalara_credentials, external: true}}
options:
  company:
    company_code: BRAND_A
  document_settings:
    commit_documents: "yes"
"""


def _avalara(sandbox) -> str:
    return create_live(
        sandbox,
        "Main Tax",
        catalog.AVALARA,
        description="Tax for renewals.",
        credentials={"account_id": "1100223344", "license_key": "lk"},
        credential_id="avalara_credentials",
        options={
            "company": {"company_code": ["BRAND_A"]},
            "document_settings": {"commit_documents": ["yes"], "document_prefix": ["RC-"]},
        },
        enabled=True,
    )


def _drift_json(capsys, monkeypatch, sandbox, *args: str) -> tuple[int, dict]:
    code, out, err = cli(capsys, monkeypatch, sandbox, "drift", *args, "--format", "json")
    assert code in (0, 2), err
    return code, json.loads(out)


def _fields(data: dict) -> list[tuple[str, object, object]]:
    return [(f["path"], f["desired"], f["live"]) for i in data["integrations"] for f in i["fields"]]


def test_no_drift_right_after_applying_the_examples(demo_sandbox, work, capsys, monkeypatch):
    code, out, err = cli(
        capsys, monkeypatch, demo_sandbox, "apply", str(EXAMPLES), "--auto-approve",
        env=example_secrets(),
    )  # fmt: skip
    assert code == 0, out + err
    code, out, err = cli(capsys, monkeypatch, demo_sandbox, "drift", str(EXAMPLES))
    assert code == 0, out + err
    assert out.endswith(
        "? unmanaged (in the account, in no YAML):\n"
        f"    Legacy Tax - TaxJar v1 ({_id_of(out, 'Legacy Tax - TaxJar v1')})\n"
        f"    legacy-s3-export ({_id_of(out, 'legacy-s3-export')})\n\n"
        "No drift: 0 drifted, 0 missing, 11 in sync, 2 unmanaged.\n"
    )
    # The one unmanaged integration is drift only when asked.
    code, out, _ = cli(
        capsys, monkeypatch, demo_sandbox, "drift", str(EXAMPLES), "--fail-on-unmanaged"
    )
    assert code == 2
    assert out.endswith("Drift: 0 drifted, 0 missing, 11 in sync, 2 unmanaged.\n")


def _id_of(out: str, name: str) -> str:
    line = next(line for line in out.splitlines() if line.strip().startswith(name + " ("))
    return line.split("(")[-1].rstrip(")")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": "Main Tax (renamed)"}, [("name", "Main Tax", "Main Tax (renamed)")]),
        (
            {"third_party_options": [{"id": "company", "fields": [
                {"id": "company_code", "value": ["BRAND_B"]}]}]},
            [("options.company.company_code", "BRAND_A", "BRAND_B"),
             ("options.document_settings.commit_documents", "yes", None)],
        ),
        ({"enabled": False}, [("enabled", True, False)]),
        ({"description": "Edited in the web UI."},
         [("description", "Tax for renewals.", "Edited in the web UI.")]),
    ],
    ids=["name", "option", "disable", "description"],
)  # fmt: skip
def test_a_change_made_through_the_api_is_exactly_that_drift(
    sandbox, tmp_path, capsys, monkeypatch, change, expected
):
    live_id = _avalara(sandbox)
    path = write_yaml(tmp_path, "tax.yaml", AVALARA_YAML.format(id=live_id))
    assert _drift_json(capsys, monkeypatch, sandbox, str(path))[0] == 0
    edit(sandbox, live_id, change)
    code, data = _drift_json(capsys, monkeypatch, sandbox, str(path))
    assert code == 2
    assert _fields(data) == expected
    assert [(i["name"], i["id"], i["status"]) for i in data["integrations"]] == [
        ("Main Tax", live_id, "drifted")
    ]


def test_credentials_removed_outside_are_drift(sandbox, tmp_path, capsys, monkeypatch):
    live_id = _avalara(sandbox)
    path = write_yaml(tmp_path, "tax.yaml", AVALARA_YAML.format(id=live_id))
    forget_credentials(sandbox, live_id)
    assert get(sandbox, live_id)["third_party_credentials_saved"] == []
    code, data = _drift_json(capsys, monkeypatch, sandbox, str(path))
    assert code == 2
    assert _fields(data) == [("credentials.avalara_credentials", "(saved)", "(not saved)")]


def test_credentials_an_enabled_integration_needs_are_drift_even_if_unmanaged(
    sandbox, tmp_path, capsys, monkeypatch
):
    live_id = _avalara(sandbox)
    text = AVALARA_YAML.format(id=live_id).replace(
        "credentials: {id: avalara_credentials, external: true}\n", ""
    )
    path = write_yaml(tmp_path, "tax.yaml", text)
    assert _drift_json(capsys, monkeypatch, sandbox, str(path))[0] == 0
    forget_credentials(sandbox, live_id)
    code, data = _drift_json(capsys, monkeypatch, sandbox, str(path))
    assert (code, _fields(data)) == (
        2,
        [("credentials.avalara_credentials", "(saved)", "(not saved)")],
    )


def test_ignored_fields_and_unmanaged_keys_never_drift(sandbox, tmp_path, capsys, monkeypatch):
    live_id = _avalara(sandbox)
    text = AVALARA_YAML.format(id=live_id) + "ignore: [description, options.company]\n"
    path = write_yaml(tmp_path, "tax.yaml", text)
    edit(sandbox, live_id, {"description": "Edited in the web UI."})
    edit(  # document_prefix is written in no YAML: not managed
        sandbox,
        live_id,
        {"third_party_options": [
            {"id": "company", "fields": [{"id": "company_code", "value": ["BRAND_B"]}]},
            {"id": "document_settings", "fields": [
                {"id": "commit_documents", "value": ["yes"]},
                {"id": "document_prefix", "value": ["X-"]}]},
        ]},
    )  # fmt: skip
    code, data = _drift_json(capsys, monkeypatch, sandbox, str(path))
    assert (code, data["summary"]) == (
        0,
        {"drifted": 0, "missing": 0, "in_sync": 1, "unmanaged": 0},
    )


def test_whitespace_order_and_option_sets_are_not_drift(sandbox, tmp_path, capsys, monkeypatch):
    create_live(
        sandbox,
        "Marketplace   Tax",
        catalog.TAXJAR,
        description="  Tax for   marketplace orders. ",
        options={"nexus": {"nexus_regions": ["US-TX", "US-CA", "US-NY"]}},
    )
    path = write_yaml(
        tmp_path,
        "taxjar.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: Marketplace Tax
        description: Tax for marketplace orders.
        enabled: false
        site_integration: SiteTaxJarTax0000000
        options:
          nexus:
            nexus_regions: [US-CA, US-NY, US-TX]
        """,
    )
    code, out, err = cli(capsys, monkeypatch, sandbox, "drift", str(path))
    assert code == 0, out + err
    assert out.endswith("No drift: 0 drifted, 0 missing, 1 in sync, 0 unmanaged.\n")


def test_missing_integrations_are_drift(sandbox, tmp_path, capsys, monkeypatch):
    live_id = _avalara(sandbox)
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    path = write_yaml(
        tmp_path,
        "gone.yaml",
        AVALARA_YAML.format(id="A" * 20)  # pinned to an id the account does not hold
        + """---
kind: revcent/UserThirdPartyIntegration
name: Brand A Shipping
site_integration: ShipStation
""",
    )
    code, data = _drift_json(capsys, monkeypatch, sandbox, str(path))
    assert code == 2
    assert [(i["name"], i["id"], i["status"]) for i in data["integrations"]] == [
        ("Brand A Shipping", None, "missing"),
        ("Main Tax", "A" * 20, "missing"),
    ]
    assert [(u["name"], u["id"]) for u in data["unmanaged"]] == [
        ("Main Tax", live_id),
        ("Tracking", _id_named(data, "Tracking")),
    ]
    assert data["summary"] == {"drifted": 0, "missing": 2, "in_sync": 0, "unmanaged": 2}


def _id_named(data: dict, name: str) -> str:
    return next(u["id"] for u in data["unmanaged"] if u["name"] == name)


def test_a_different_site_integration_is_drift(sandbox, tmp_path, capsys, monkeypatch):
    live_id = create_live(sandbox, "Tax", catalog.TAXJAR_LEGACY)
    path = write_yaml(
        tmp_path,
        "tax.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: Tax
        site_integration: SiteTaxJarTax0000000
        """,
    )
    code, data = _drift_json(capsys, monkeypatch, sandbox, str(path))
    assert (code, _fields(data)) == (
        2,
        [("site_integration", "SiteTaxJarTax0000000", catalog.TAXJAR_LEGACY)],
    )
    assert data["integrations"][0]["id"] == live_id


def test_errors_exit_1_and_say_why(sandbox, tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "bad.yaml", "kind: revcent/UserThirdPartyIntegration\n")
    code, out, err = cli(capsys, monkeypatch, sandbox, "drift", str(path))
    assert (code, out) == (1, "")
    assert "'name'" in err
    good = write_yaml(tmp_path, "ok.yaml", AVALARA_YAML.format(id="A" * 20))
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "drift", str(good), env={"REVCENT_API_KEY": "wrong"}
    )
    assert (code, out) == (1, "")
    assert err.startswith("error: ")
