"""``reconciler assets NAME``: what the account offers per option field, and what is saved."""

from __future__ import annotations

import json

from helpers import cli, create_live, edit

from reconciler.sandbox.revcent import catalog

AVALARA_CREDS = {"account_id": "2000999999", "license_key": "lk"}


def _main_tax(sandbox) -> str:
    return create_live(
        sandbox,
        "Main Tax",
        catalog.AVALARA,
        credentials=AVALARA_CREDS,
        credential_id="avalara_credentials",
        options={"company": {"company_code": ["WHOLESALE"]}},
        enabled=True,
    )


def test_assets_show_offered_and_saved_values(sandbox, capsys, monkeypatch):
    live_id = _main_tax(sandbox)
    code, out, err = cli(capsys, monkeypatch, sandbox, "assets", "Main Tax")
    assert (code, err) == (0, "")
    assert out == (
        f"revcent: Main Tax ({live_id})\n"
        "  site integration: Avalara (SiteAvalaraTax000000), type tax, enabled\n"
        "  credentials avalara_credentials: saved\n\n"
        "  options.company.company_code  (account asset, required, one value)\n"
        "    * WHOLESALE\n      EU_TRADING\n\n"
        "  options.document_settings.commit_documents  (static select, required, one value)\n"
        "      yes\n      no\n    saved: (none)\n\n"
        "  options.document_settings.document_prefix  (input, optional, one value)\n"
        "    saved: (none)\n"
    )
    # The same by id.
    assert cli(capsys, monkeypatch, sandbox, "assets", live_id)[1] == out


def test_assets_json_and_markdown(sandbox, capsys, monkeypatch):
    live_id = _main_tax(sandbox)
    code, out, _ = cli(capsys, monkeypatch, sandbox, "assets", "Main Tax", "--format", "json")
    assert code == 0
    [report] = json.loads(out)["integrations"]
    assert {k: report[k] for k in ("id", "type", "enabled", "credentials_saved")} == {
        "id": live_id,
        "type": "tax",
        "enabled": True,
        "credentials_saved": True,
    }
    assert report["fields"][0] == {
        "option_id": "company",
        "field_id": "company_code",
        "name": "Company code",
        "type": "select",
        "required": True,
        "multiple": False,
        "asset": True,
        "offered": ["WHOLESALE", "EU_TRADING"],
        "saved": ["WHOLESALE"],
        "stale": [],
    }
    code, out, _ = cli(capsys, monkeypatch, sandbox, "assets", "Main Tax", "--format", "markdown")
    assert "| `company.company_code` | account asset, required, one value | WHOLESALE, " in out
    assert "Credentials `avalara_credentials`: saved.\n" in out


def test_assets_unknown_until_credentials_are_saved(sandbox, capsys, monkeypatch):
    create_live(sandbox, "Bare", catalog.AVALARA)
    code, out, _ = cli(capsys, monkeypatch, sandbox, "assets", "Bare")
    assert code == 0
    assert (
        "  credentials avalara_credentials: NOT saved\n\n"
        "  options.company.company_code  (account asset, required, one value)\n"
        "    offered: (unknown until the credentials are saved)\n    saved: (none)\n" in out
    )
    assert out.endswith(
        "  note: credentials 'avalara_credentials' are not saved: RevCent lists the account's "
        "assets only once they are\n"
    )


def test_new_credentials_show_a_saved_asset_no_longer_offered(sandbox, capsys, monkeypatch):
    live_id = _main_tax(sandbox)
    other = [{"id": "account_id", "value": "111"}, {"id": "license_key", "value": "x"}]
    edit(
        sandbox,
        live_id,
        {"third_party_credentials": {"id": "avalara_credentials", "fields": other}},
    )
    code, out, _ = cli(capsys, monkeypatch, sandbox, "assets", "Main Tax")
    assert code == 0
    assert (
        "  options.company.company_code  (account asset, required, one value)\n"
        "      DEFAULT\n      BRAND_A\n      BRAND_B\n    ! WHOLESALE  (saved, no longer offered)\n"
        in out
    )
    assert out.endswith(
        "  note: options.company.company_code: the saved value 'WHOLESALE' is no longer "
        "offered; choose one of the offered values before changing any option\n"
    )
    code, out, _ = cli(capsys, monkeypatch, sandbox, "assets", "Main Tax", "--format", "json")
    assert json.loads(out)["integrations"][0]["fields"][0]["stale"] == ["WHOLESALE"]


def test_assets_of_an_unknown_name_and_of_solvimon(sandbox, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, sandbox, "assets", "Nope")
    assert (code, out) == (1, "")
    assert err == (
        "error: revcent: no live integration is called 'Nope' (nor has that id): run "
        "'reconciler import' or 'reconciler plan' to see the account's integrations\n"
    )
    code, _, err = cli(capsys, monkeypatch, sandbox, "assets", "Nope", "--provider", "solvimon")
    assert (code, err) == (
        1,
        "error: solvimon: integrations have no account assets to choose from; 'reconciler "
        "catalog --provider solvimon' shows the types and their fields\n",
    )
