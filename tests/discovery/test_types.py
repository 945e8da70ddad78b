"""``type:`` in RevCent YAML: checked against the site integration, verified after every edit,
written by import; and a disable names the RevCent features of that type in every plan form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import cli, create_live, write_yaml
from jsonschema import Draft202012Validator
from type_proxy import type_proxy

from reconciler.sandbox.revcent import catalog

ROOT = Path(__file__).resolve().parents[2]


def doc(name: str, site: str, kind: str | None, extra: str = "") -> str:
    lines = [
        "kind: revcent/UserThirdPartyIntegration",
        f"name: {name}",
        f"site_integration: {site}",
    ]
    if kind is not None:
        lines.append(f"type: {kind}")
    return "\n".join(lines) + "\n" + extra


def test_an_unknown_type_is_a_schema_error(sandbox, capsys, monkeypatch, tmp_path):
    path = write_yaml(tmp_path, "a.yaml", doc("T", "Avalara", "taxes"))
    code, out, err = cli(capsys, monkeypatch, sandbox, "validate", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:4:7: 'type' must be one of tax, shipping, offline_payment, ai, ai_voice, not "
        "'taxes' (use the integration_type 'reconciler catalog' shows for the site "
        "integration)\n1 error(s): nothing was sent.\n"
    )


@pytest.mark.parametrize(
    "command", [("validate", "--live"), ("plan",), ("apply", "--auto-approve")]
)
def test_a_type_the_site_does_not_have_is_refused_at_its_line(
    sandbox, capsys, monkeypatch, tmp_path, command
):
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path, "a.yaml", doc("Ship", "Avalara", "shipping"))
    code, out, err = cli(capsys, monkeypatch, sandbox, command[0], str(path), *command[1:])
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:4:7: Ship: site integration 'Avalara' (SiteAvalaraTax000000) is of type "
        "'tax', not 'shipping' (choose a site integration of type shipping ('reconciler "
        "catalog' lists them), or correct 'type')\n1 error(s): nothing was sent.\n"
    )


def test_the_live_integrations_own_type_is_checked_too(sandbox, capsys, monkeypatch, tmp_path):
    """A site whose live answer says another type than the catalog: refused at plan."""
    create_live(sandbox, "Main Tax", catalog.EASYPOST)
    path = write_yaml(tmp_path, "a.yaml", doc("Main Tax", "EasyPost", "shipping"))
    with type_proxy(sandbox.url, "ai") as proxy:
        proxy.writes = 1  # every Get answers type ai from the start
        env = {"REVCENT_API_URL": proxy.url}
        code, _, err = cli(capsys, monkeypatch, sandbox, "plan", str(path), env=env)
    assert code == 1
    assert err.startswith(
        f"{path}:4:7: Main Tax: the live integration's site 'EasyPost' (SiteEasyPost00000000) "
        "is of type 'ai', not 'shipping'"
    )


@pytest.mark.parametrize(
    ("site", "kind"),
    [
        (catalog.AVALARA, "tax"),
        ("ShipStation", "shipping"),
        ("Sezzle", "offline_payment"),
        ("OpenAI", "ai"),
        ("ElevenLabs", "ai_voice"),
    ],
)
def test_the_right_type_passes_and_plans(sandbox, capsys, monkeypatch, tmp_path, site, kind):
    path = write_yaml(tmp_path, "a.yaml", doc("X", site, kind, "enabled: false\n"))
    code, out, _ = cli(capsys, monkeypatch, sandbox, "validate", str(path), "--live")
    assert (code, out) == (0, "ok: 1 integration(s) in 1 file(s) are valid (live catalog checks)\n")
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--format", "json")
    assert (code, json.loads(out)["summary"]["create"]) == (0, 1)


def test_apply_verifies_the_type_after_every_edit(sandbox, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    live_id = create_live(sandbox, "Main Tax", catalog.AVALARA)
    path = write_yaml(tmp_path, "a.yaml", doc("Main Tax", "Avalara", None, "description: new\n"))
    with type_proxy(sandbox.url, "ai") as proxy:
        env = {"REVCENT_API_URL": proxy.url}
        code, out, _ = cli(
            capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve", env=env
        )
        assert proxy.writes == 1
    assert code == 5
    assert (
        f"≠ altered  Main Tax ({live_id})\n"
        "    ALTERED  EditUserThirdPartyIntegration  rename / describe\n"
        '             integration_type: sent "tax", stored "ai"\n'
        "    the read-back differs: integration_type\n" in out
    )


def test_a_saved_plan_applied_by_another_process_still_verifies_the_type(
    sandbox, capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    create_live(sandbox, "Main Tax", catalog.AVALARA)
    path = write_yaml(tmp_path, "a.yaml", doc("Main Tax", "Avalara", "tax", "description: n\n"))
    saved = tmp_path / "plan.json"
    code, _, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--out", str(saved))
    assert code == 0
    with type_proxy(sandbox.url, "shipping") as proxy:
        env = {"REVCENT_API_URL": proxy.url}
        code, out, _ = cli(
            capsys, monkeypatch, sandbox, "apply", str(saved), "--auto-approve", env=env
        )
    assert code == 5
    assert 'integration_type: sent "tax", stored "shipping"' in out


def test_import_writes_the_type_and_plan_then_accepts_it(sandbox, capsys, monkeypatch, tmp_path):
    create_live(sandbox, "Voice", catalog.ELEVENLABS)
    out_dir = tmp_path / "imported"
    code, _, _ = cli(capsys, monkeypatch, sandbox, "import", "--out", str(out_dir))
    assert code == 0
    [written] = sorted(out_dir.glob("*.yaml"))
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert (data["site_integration"], data["type"]) == ("ElevenLabs", "ai_voice")
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(out_dir), "--detailed-exitcode")
    assert code == 0, out


# What each site needs saved before the sandbox lets it be enabled.
REQUIRED_OPTIONS = {
    catalog.AVALARA: {"company": {"company_code": ["DEFAULT"]}},
    catalog.ANTHROPIC: {"model": {"model_id": ["claude-sonnet-4"]}},
    catalog.ELEVENLABS: {"voice": {"voice_id": ["voice-adam"]}},
}


@pytest.mark.parametrize(
    ("site", "kind", "feature"),
    [
        (catalog.AVALARA, "tax", "Tax Profiles"),
        (catalog.EASYPOST, "shipping", "Shipping/tracking workflows"),
        (catalog.AFFIRM, "offline_payment", "Offline Payments"),
        (catalog.ANTHROPIC, "ai", "AI Assistants"),
        (catalog.ELEVENLABS, "ai_voice", "AI Voice Agents"),
    ],
)
def test_a_disable_names_what_may_stop_in_every_plan_form(
    sandbox, capsys, monkeypatch, tmp_path, site, kind, feature
):
    site_def = next(s for s in catalog.SITE_INTEGRATIONS if s["id"] == site)
    creds = site_def["third_party_credentials"]
    live_id = create_live(
        sandbox,
        "Live One",
        site,
        credentials={f["id"]: "v" for f in creds["fields"]},
        credential_id=creds["id"],
        options=REQUIRED_OPTIONS.get(site),
        enabled=True,
    )
    path = write_yaml(tmp_path, "a.yaml", doc("Live One", site, None, "enabled: false\n"))
    note = (
        f"disabling may stop RevCent {feature} using this integration (type {kind}): "
        "check them first"
    )

    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path))
    assert code == 0
    assert out.startswith(
        f"~ update  Live One ({live_id})  [high risk; may stop: {feature}]  {path}:1\n"
        "    enabled  true → false\n"
        f"    note: {note}\n"
    )
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--format", "json")
    data = json.loads(out)
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(data))
    [change] = data["changes"]
    assert (change["retires"], change["affects"], change["notes"]) == (True, [feature], [note])
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--format", "markdown")
    assert f"| 🔴 high — may stop: {feature} | update | Live One | `enabled` |" in out
    assert f"_Note: {note}_" in out


def test_changes_that_do_not_disable_name_nothing(sandbox, capsys, monkeypatch, tmp_path):
    create_live(sandbox, "Quiet", catalog.EASYPOST)
    path = write_yaml(tmp_path, "a.yaml", doc("Quiet", "EasyPost", "shipping", "description: d\n"))
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--format", "json")
    [change] = json.loads(out)["changes"]
    assert (code, change["retires"], change["affects"], change["notes"]) == (0, False, [], [])
