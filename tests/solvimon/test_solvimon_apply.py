"""Plan and apply Solvimon integrations through the core over the real sandbox: exact request
bodies, status operations, an idempotent create under dropped answers, verification."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helpers import write_yaml
from solvimon_support import TAX, TAX_YAML, apply, create, get, listed, plan, stats

from reconciler.errors import ConfigError
from reconciler.plan import SENSITIVE, redact
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.solvimon.rules import MASK

FIVE = ("reference", "name", "description", "type", "linked_resources_configurations")


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATAX_LICENSE_KEY", "canary-avatax-9e1")


def _yaml(tmp_path: Path, text: str = TAX_YAML) -> Path:
    return write_yaml(tmp_path, "tax.yaml", text)


def test_a_name_only_change_sends_the_five_required_fields_and_nothing_else(sandbox, tmp_path):
    live = create(sandbox, TAX, "activate")
    path = _yaml(tmp_path, TAX_YAML.replace("name: AvaTax EU", "name: AvaTax Europe"))
    change = plan(sandbox, path).changes[0]
    assert [(f.path, f.before, f.after, f.risk) for f in change.fields] == [
        ("name", "AvaTax EU", "AvaTax Europe", "low")
    ]
    (step,) = change.steps
    assert (step.operation, step.method, step.path, step.risk) == (
        "patchIntegrationsByResourceId",
        "PATCH",
        f"/v1/integrations/{live['id']}",
        "low",
    )
    assert step.body == {
        "reference": "avatax-eu",
        "name": "AvaTax Europe",
        "description": "Tax for the EU entity.",
        "type": "TAX_CALCULATION",
        "linked_resources_configurations": TAX["linked_resources_configurations"],
    }
    report = apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl")
    assert report.summary_line() == "1 applied, 0 altered, 0 failed, 0 stale"
    after = get(sandbox, live["id"])
    assert after["name"] == "AvaTax Europe"
    assert after["authentication"]["username_password"]["password"] == MASK  # kept
    assert not plan(sandbox, path).has_changes


def test_a_company_code_change_sends_tax_calculation_in_full(sandbox, tmp_path):
    live = create(sandbox, TAX, "activate")
    path = _yaml(tmp_path, TAX_YAML.replace("EU_TRADING", "FR_TRADING"))
    change = plan(sandbox, path).changes[0]
    assert [f.path for f in change.fields] == ["tax_calculation.ava_tax.company_code"]
    (step,) = change.steps
    assert step.risk == "high"
    assert step.body == {
        **{k: TAX[k] for k in FIVE},
        "tax_calculation": {**TAX["tax_calculation"], "ava_tax": {"company_code": "FR_TRADING"}},
    }
    assert apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl").exit_code == 0
    assert get(sandbox, live["id"])["tax_calculation"]["ava_tax"] == {"company_code": "FR_TRADING"}
    assert not plan(sandbox, path).has_changes


def test_activate_then_archive_are_status_operations_without_a_patch(sandbox, tmp_path):
    live = create(sandbox, TAX)  # DRAFT
    path = _yaml(tmp_path)
    change = plan(sandbox, path).changes[0]
    assert [(f.path, f.before, f.after) for f in change.fields] == [("status", "DRAFT", "ACTIVE")]
    assert [(s.method, s.path, redact(s.body)) for s in change.steps] == [
        (
            "POST",
            "/v1/integrations/test-connection?integration_type=TAX_CALCULATION"
            "&tax_calculation_variant=AVATAX",
            {
                "authentication": {
                    "username_password": {"username": "2000123456", "password": SENSITIVE}
                }
            },
        ),
        ("POST", f"/v1/integrations/{live['id']}/activate", {}),
    ]
    assert apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl").exit_code == 0
    assert get(sandbox, live["id"])["status"] == "ACTIVE"

    path = _yaml(tmp_path, TAX_YAML.replace("status: ACTIVE", "status: ARCHIVED"))
    (step,) = plan(sandbox, path).changes[0].steps
    assert (step.operation, step.path) == (
        "postIntegrationsByResourceIdArchive",
        f"/v1/integrations/{live['id']}/archive",
    )
    assert apply(sandbox, plan(sandbox, path), tmp_path / "j2.jsonl").exit_code == 0
    assert get(sandbox, live["id"])["status"] == "ARCHIVED"
    assert "PATCH /v1/integrations/{id}" not in stats(sandbox)["by_route"]
    assert not plan(sandbox, path).has_changes
    # Archived is read-only: an edit is refused before anything is sent.
    renamed = TAX_YAML.replace("status: ACTIVE", "status: ARCHIVED").replace("AvaTax EU", "New")
    with pytest.raises(ConfigError, match="an ARCHIVED integration cannot be updated"):
        plan(sandbox, _yaml(tmp_path, renamed))


def test_connection_test_first_then_patch_then_status_last(sandbox, tmp_path):
    create(sandbox, TAX)
    path = _yaml(tmp_path, TAX_YAML.replace("name: AvaTax EU", "name: AvaTax Europe"))
    steps = plan(sandbox, path).changes[0].steps
    assert [s.operation for s in steps] == [
        "postIntegrationsTestConnection",
        "patchIntegrationsByResourceId",
        "postIntegrationsByResourceIdActivate",
    ]


def test_a_create_whose_answers_are_dropped_is_not_duplicated(sandbox, tmp_path):
    text = TAX_YAML.replace("status: ACTIVE\n", "")
    path = _yaml(tmp_path, text)
    the_plan = plan(sandbox, path)
    (step,) = the_plan.changes[0].steps
    assert step.body["authentication"]["username_password"]["password"] is not None
    # Seed 5 drops the first two answers of committed writes, then lets the third through.
    sandbox.set_faults(FaultConfig(drop_rate=0.5, seed=5))
    report = apply(sandbox, the_plan, tmp_path / "j.jsonl", parallelism=1)
    sandbox.set_faults(FaultConfig())
    (result,) = report.results
    assert (result.outcome, result.steps[0].adopted) == ("applied", False)
    assert [i["reference"] for i in listed(sandbox)] == ["avatax-eu"]
    seen = stats(sandbox)
    assert seen["by_route"]["POST /v1/integrations"] == 3
    assert (seen["dropped"], seen["idempotent_replays"]) == (2, 2)
    with sqlite3.connect(sandbox.db_path) as db:
        keys = db.execute("SELECT key, replays FROM solvimon_idempotency").fetchall()
    assert len(keys) == 1 and keys[0][1] == 2, keys  # one key, sent three times
    assert get(sandbox, result.id)["authentication"]["username_password"]["password"] == MASK
    assert not plan(sandbox, path).has_changes


def test_secrets_are_sent_when_missing_or_rotated_only(sandbox, tmp_path):
    bare = {k: v for k, v in TAX.items() if k != "authentication"}
    live = create(sandbox, {**bare, "authentication": {"username_password": {"username": "u"}}})
    path = _yaml(tmp_path, TAX_YAML.replace("status: ACTIVE\n", "").replace('"2000123456"', "u"))
    change = plan(sandbox, path).changes[0]
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("authentication.username_password.password", "(not saved)", SENSITIVE)
    ]
    assert "authentication" in change.steps[0].body
    assert apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl").exit_code == 0
    assert not plan(sandbox, path).has_changes
    rotated = plan(sandbox, path, rotate=("avatax-eu",)).changes[0]
    assert [f.before for f in rotated.fields] == ["(saved)"]
    assert set(rotated.steps[0].body) == {*FIVE, "authentication"}
    assert get(sandbox, live["id"])["authentication"]["username_password"]["password"] == MASK


def test_an_altered_update_is_caught_by_the_read_back(sandbox, tmp_path):
    create(sandbox, TAX, "activate")
    path = _yaml(tmp_path, TAX_YAML.replace("name: AvaTax EU", "name: AvaTax Europe"))
    the_plan = plan(sandbox, path)
    sandbox.set_faults(FaultConfig(alter_rate=1))
    report = apply(sandbox, the_plan, tmp_path / "j.jsonl")
    (result,) = report.results
    assert result.outcome == "altered"
    assert [(m.path, m.expected, m.actual) for m in result.steps[0].mismatches] == [
        ("name", "AvaTax Europe", "AvaTax Europe (altered)")
    ]


def test_keyed_arrays_merge_by_key_and_keep_what_the_yaml_does_not_list(sandbox, tmp_path):
    live = create(sandbox, TAX, "activate")
    extra = """linked_resources_configurations:
  - resource_type: INVOICE
    link_details: [{base_url: "https://b.example", custom_field_reference: i}]
"""
    path = _yaml(tmp_path, TAX_YAML + extra)
    change = plan(sandbox, path).changes[0]
    assert [f.path for f in change.fields] == ["linked_resources_configurations[INVOICE]"]
    sent = change.steps[0].body["linked_resources_configurations"]
    assert [c["resource_type"] for c in sent] == ["CUSTOMER", "INVOICE"]
    assert apply(sandbox, plan(sandbox, path), tmp_path / "j.jsonl").exit_code == 0
    stored: list[dict[str, Any]] = get(sandbox, live["id"])["linked_resources_configurations"]
    assert [c["resource_type"] for c in stored] == ["CUSTOMER", "INVOICE"]
    assert not plan(sandbox, path).has_changes


def test_deprecations_count_for_the_max_disables_rail(sandbox, tmp_path, capsys, monkeypatch):
    from helpers import cli

    docs = []
    for i in range(3):
        body = {**TAX, "reference": f"avatax-{i}"}
        create(sandbox, body, "activate")
        docs.append(
            TAX_YAML.replace("reference: avatax-eu", f"reference: avatax-{i}").replace(
                "status: ACTIVE", "status: DEPRECATED"
            )
        )
    path = write_yaml(tmp_path, "many.yaml", "---\n".join(docs))
    the_plan = plan(sandbox, path)
    assert [c.retires for c in the_plan.changes] == [True, True, True]
    code, _, err = cli(
        capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve", "--max-disables", "2"
    )
    assert code == 3
    assert "safety rail 'max disables': 3 integrations would be disabled, more than 2" in err
    assert {i["status"] for i in listed(sandbox)} == {"ACTIVE"}
