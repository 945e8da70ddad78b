"""apply through the CLI over the real sandbox: examples, confirmation, rails, saved plans."""

from __future__ import annotations

import json

from conftest import EXAMPLE_SECRETS, EXAMPLES
from helpers import cli, create_live, edit, get, list_names, write_yaml

from reconciler.sandbox.revcent import catalog


def test_examples_apply_then_plan_shows_no_changes(demo_sandbox, work, capsys, monkeypatch):
    code, out, err = cli(
        capsys, monkeypatch, demo_sandbox, "plan", str(EXAMPLES), "--detailed-exitcode"
    )
    assert code == 2, err
    assert out.endswith("Plan: 6 to create, 2 to update, 3 unchanged, 2 unmanaged.\n")
    code, out, err = cli(
        capsys,
        monkeypatch,
        demo_sandbox,
        "apply",
        str(EXAMPLES),
        "--auto-approve",
        env=EXAMPLE_SECRETS,
    )
    assert code == 0, out + err
    assert "Apply: 8 applied, 0 altered, 0 failed, 0 stale." in out
    code, out, err = cli(
        capsys, monkeypatch, demo_sandbox, "plan", str(EXAMPLES), "--detailed-exitcode"
    )
    assert code == 0, out
    assert "Plan: 0 to create, 0 to update, 11 unchanged, 2 unmanaged." in out
    assert sorted(list_names(demo_sandbox)) == sorted(
        [
            "AI Provider - Support Assistant",
            "Brand A Shipping",
            "Legacy Tax - TaxJar v1",
            "Main Tax Provider - Production",
            "Marketplace Tax - TaxJar",
            "Offline Payment - Affirm",
            "Offline Payment - Sezzle",
            "Tracking - EasyPost",
            "Voice Provider - Main Store",
        ]
    )


def test_apply_without_terminal_needs_auto_approve(demo_sandbox, work, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, demo_sandbox, "apply", str(EXAMPLES))
    assert code == 1
    assert err.strip().endswith(
        "error: apply changes live integrations: confirm on a terminal, or pass --auto-approve "
        "(as CI does)"
    )
    assert "Legacy Tax - TaxJar v1" in list_names(demo_sandbox)
    assert "Brand A Shipping" not in list_names(demo_sandbox)


def test_apply_with_nothing_to_do_says_so(sandbox, work, capsys, monkeypatch):
    create_live(sandbox, "Tracking", catalog.EASYPOST, description="Kept.")
    path = write_yaml(
        work,
        "t.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: Tracking
        site_integration: EasyPost
        description: Kept.
    """,
    )
    code, out, _ = cli(capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve")
    assert (code, out) == (0, "No changes: the account matches the configuration.\n")


def _ten_live(sandbox):
    return [
        create_live(
            sandbox,
            f"Tracking {i}",
            catalog.EASYPOST,
            description="old",
            credentials={"api_key": "k"},
            credential_id="easypost_credentials",
            enabled=True,
        )
        for i in range(10)
    ]


def _ten_yaml(work, changed, *, disable=0):
    docs = []
    for i in range(10):
        description = "new" if i < changed else "old"
        enabled = "false" if i < disable else "true"
        docs.append(
            f"kind: revcent/UserThirdPartyIntegration\nname: Tracking {i}\n"
            f"site_integration: EasyPost\ndescription: {description}\nenabled: {enabled}\n"
        )
    return write_yaml(work, "many.yaml", "---\n".join(docs))


def test_safety_rail_refuses_mass_change_and_force_overrides(sandbox, work, capsys, monkeypatch):
    _ten_live(sandbox)
    path = _ten_yaml(work, changed=4)
    code, _, err = cli(capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve")
    assert code == 3
    assert err.strip().endswith(
        "error: safety rail 'max changes': 4 of 10 managed integrations (40%) would change, "
        "more than 30%; re-run with --force if this is intended (or raise --max-change-percent)"
    )
    code, _, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--detailed-exitcode")
    assert code == 2, "nothing may have been applied"
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve", "--force"
    )
    assert code == 0, err
    assert "Apply: 4 applied" in out


def test_safety_rail_on_disables(sandbox, work, capsys, monkeypatch):
    _ten_live(sandbox)
    path = _ten_yaml(work, changed=0, disable=3)
    code, _, err = cli(
        capsys,
        monkeypatch,
        sandbox,
        "apply",
        str(path),
        "--auto-approve",
        "--max-disables",
        "2",
        "--max-change-percent",
        "100",
    )
    assert code == 3
    assert "safety rail 'max disables': 3 integrations would be disabled, more than 2" in err


def test_saved_plan_applies_and_stale_integration_is_untouched(sandbox, work, capsys, monkeypatch):
    first = create_live(sandbox, "First", catalog.EASYPOST, description="one")
    second = create_live(sandbox, "Second", catalog.EASYPOST, description="two")
    path = write_yaml(
        work,
        "two.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: First
        site_integration: EasyPost
        description: one, edited
        ---
        kind: revcent/UserThirdPartyIntegration
        name: Second
        site_integration: EasyPost
        description: two, edited
    """,
    )
    code, _, err = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--out", "plan.json")
    assert code == 0, err
    edit(sandbox, second, {"description": "changed by a person meanwhile"})
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "apply", "plan.json", "--auto-approve", "--format", "json"
    )
    assert code == 4, err
    report = json.loads(out)
    outcomes = {r["name"]: r["outcome"] for r in report["integrations"]}
    assert outcomes == {"First": "applied", "Second": "stale"}
    stale = next(r for r in report["integrations"] if r["name"] == "Second")
    assert "changed live since the plan was made" in stale["message"]
    assert "a new plan would change: description" in stale["message"]
    assert get(sandbox, first)["description"] == "one, edited"
    assert get(sandbox, second)["description"] == "changed by a person meanwhile"


def test_saved_plan_refused_when_configuration_changed(sandbox, work, capsys, monkeypatch):
    create_live(sandbox, "First", catalog.EASYPOST, description="one")
    path = write_yaml(
        work,
        "one.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: First
        site_integration: EasyPost
        description: edited
    """,
    )
    assert cli(capsys, monkeypatch, sandbox, "plan", str(path), "--out", "plan.json")[0] == 0
    path.write_text(path.read_text().replace("edited", "edited again"))
    code, _, err = cli(capsys, monkeypatch, sandbox, "apply", "plan.json", "--auto-approve")
    assert code == 1
    assert "the configuration changed since the plan was saved" in err
