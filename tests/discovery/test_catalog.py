"""``reconciler catalog``: the site integrations, one site's fields, starter files that validate."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml
from helpers import cli

from reconciler.sandbox.revcent import catalog as site_catalog

REVCENT_LISTING = """\
revcent: 10 available
  ID                    NAME         TYPE             CREDENTIALS  OPTIONS
  SiteAvalaraTax000000  Avalara      tax              yes          required
  SiteTaxJarTax0000000  TaxJar       tax              yes          optional
  SiteTaxJarLegacy0000  TaxJar       tax              yes          none
  SiteShipStation00000  ShipStation  shipping         yes          required
  SiteEasyPost00000000  EasyPost     shipping         yes          none
  SiteSezzlePay0000000  Sezzle       offline_payment  yes          required
  SiteAffirmPay0000000  Affirm       offline_payment  yes          optional
  SiteOpenAI0000000000  OpenAI       ai               yes          required
  SiteAnthropic0000000  Anthropic    ai               yes          required
  SiteElevenLabsVoice0  ElevenLabs   ai_voice         yes          required

Details: reconciler catalog SITE (name or id); a starter file: add --yaml.
"""

AVALARA = """\
revcent: Avalara (SiteAvalaraTax000000)
  type: tax
  description: Avalara AvaTax: sales tax calculation for orders and renewals.
  credentials needed: yes
  options: required
  note: used by RevCent Tax Profiles

  credentials avalara_credentials (AvaTax account), required:
    Your AvaTax account id and license key (Settings > License and API keys).
    - account_id  Account ID: input, required, secret
    - license_key  License Key: input, required, secret

  option company (Company), required:
    The AvaTax company whose nexus and settings are used.
    - company_code  Company code: select, required, values: account assets

  option document_settings (Document settings), optional:
    How transactions are recorded in AvaTax.
    - commit_documents  Commit documents: select, required, values: yes, no
    - document_prefix  Document code prefix: input, optional
"""


def test_catalog_lists_every_site_integration(sandbox, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, sandbox, "catalog", "--provider", "revcent")
    assert (code, out, err) == (0, REVCENT_LISTING, "")


def test_catalog_without_provider_asks_every_configured_one(sandbox, capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog")
    assert code == 0
    assert out.startswith(REVCENT_LISTING.split("\nDetails")[0] + "\nsolvimon: 5 available\n")
    assert "  PAYMENT_GATEWAY  payment_gateway  PAYMENT_GATEWAY  yes          required\n" in out


def test_catalog_json_lists_each_site_with_its_fields(sandbox, capsys, monkeypatch):
    code, out, _ = cli(
        capsys, monkeypatch, sandbox, "catalog", "--provider", "revcent", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["format_version"] == 1
    [listing] = data["catalogs"]
    entries = {e["id"]: e for e in listing["entries"]}
    assert list(entries) == [s["id"] for s in site_catalog.SITE_INTEGRATIONS]
    eleven = entries[site_catalog.ELEVENLABS]
    assert (eleven["type"], eleven["needs_credentials"], eleven["needs_options"]) == (
        "ai_voice",
        True,
        True,
    )
    numbers = eleven["groups"][2]
    assert numbers["id"] == "numbers"
    assert numbers["fields"] == [
        {
            "id": "phone_numbers",
            "name": "Numbers",
            "type": "select",
            "required": False,
            "multiple": True,
            "values": [],
            "asset": True,
            "secret": False,
            "description": "",
        }
    ]
    taxjar = entries[site_catalog.TAXJAR]["groups"][1]["fields"][0]
    assert (taxjar["asset"], taxjar["multiple"], taxjar["values"]) == (
        False,
        True,
        ["US-CA", "US-FL", "US-NY", "US-TX", "US-WA", "CA-ON"],
    )


def test_catalog_markdown_table(sandbox, capsys, monkeypatch):
    code, out, _ = cli(
        capsys, monkeypatch, sandbox, "catalog", "--provider", "revcent", "--format", "markdown"
    )
    assert code == 0
    assert out.startswith(
        "### revcent: 10 available\n\n| ID | Name | Type | Credentials | Options |\n"
        "|---|---|---|---|---|\n| `SiteAvalaraTax000000` | Avalara | tax | yes | required |\n"
    )


@pytest.mark.parametrize("reference", ["Avalara", site_catalog.AVALARA])
def test_catalog_site_by_name_or_id(sandbox, capsys, monkeypatch, reference):
    code, out, err = cli(capsys, monkeypatch, sandbox, "catalog", reference)
    assert (code, out, err) == (0, AVALARA, "")


def test_catalog_site_markdown(sandbox, capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog", "Avalara", "--format", "markdown")
    assert code == 0
    assert (
        "| `company_code` | Company code | select | yes | no | account assets |\n" in out
        and "| `license_key` | License Key | input | yes | no | secret |\n" in out
    )


def test_catalog_refuses_a_shared_name_and_suggests_a_close_one(sandbox, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, sandbox, "catalog", "TaxJar", "--provider", "revcent")
    assert (code, out) == (1, "")
    assert err == (
        "error: revcent: 2 site integrations are called 'TaxJar' (SiteTaxJarTax0000000, "
        "SiteTaxJarLegacy0000): name one by its id\n"
    )
    code, _, err = cli(capsys, monkeypatch, sandbox, "catalog", "Avalra", "--provider", "revcent")
    assert (code, err) == (
        1,
        "error: revcent: unknown site integration 'Avalra' (did you mean 'Avalara'?)\n",
    )


def test_yaml_needs_a_site_and_no_format(sandbox, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, sandbox, "catalog", "--yaml")
    assert (code, err) == (
        1,
        "error: --yaml prints a starter file for one entry: name it, like 'reconciler catalog "
        "Avalara --yaml'\n",
    )
    code, _, err = cli(
        capsys, monkeypatch, sandbox, "catalog", "Avalara", "--yaml", "--format", "json"
    )
    assert (code, err) == (1, "error: --yaml prints YAML: leave out --format\n")


AVALARA_STARTER = """\
# A starter for a RevCent integration with Avalara (SiteAvalaraTax000000).
# Choose what the comments ask, then: reconciler validate FILE --live, reconciler plan FILE
kind: revcent/UserThirdPartyIntegration
name: Avalara integration  # choose: unique in the account (a live integration of this name is managed by this file)
# description: what it is for, and which RevCent features use it
site_integration: Avalara  # id SiteAvalaraTax000000
type: tax  # checked against the site integration; used by Tax Profiles
enabled: false  # set true once credentials and the required options are saved
credentials:
  id: avalara_credentials  # AvaTax account: Your AvaTax account id and license key (Settings > License and API keys).
  fields:  # secrets: references to an environment variable or file
    account_id: {env: AVALARA_ACCOUNT_ID}  # Account ID: required
    license_key: {env: AVALARA_LICENSE_KEY}  # License Key: required
# options: choose each value, then uncomment (required options before enabling)
# options:
#   company:  # Company: required; The AvaTax company whose nexus and settings are used.
#     company_code: CHOOSE  # Company code, required: one of the account's assets; once credentials are saved see: reconciler assets NAME
#   document_settings:  # Document settings: optional; How transactions are recorded in AvaTax.
#     commit_documents: CHOOSE  # Commit documents, required: one of: yes, no
#     document_prefix: ""  # Document code prefix, optional: text
"""  # noqa: E501


def test_starter_yaml_of_avalara(sandbox, capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog", "Avalara", "--yaml")
    assert (code, out) == (0, AVALARA_STARTER)


@pytest.mark.parametrize(
    "site", [s["id"] for s in site_catalog.SITE_INTEGRATIONS], ids=lambda s: s.rstrip("0")
)
def test_every_revcent_starter_validates_live_and_plans_a_disabled_create(
    sandbox, capsys, monkeypatch, tmp_path, site
):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog", site, "--yaml")
    assert code == 0
    fields = (yaml.safe_load(out).get("credentials") or {}).get("fields") or {}
    assert fields and all(list(ref) == ["env"] for ref in fields.values())  # references only
    path = tmp_path / "starter.yaml"
    path.write_text(out, encoding="utf-8")
    code, out, err = cli(capsys, monkeypatch, sandbox, "validate", str(path))
    assert (code, out, err) == (
        0,
        "ok: 1 integration(s) in 1 file(s) are valid (schema checks)\n",
        "",
    )
    code, out, err = cli(capsys, monkeypatch, sandbox, "validate", str(path), "--live")
    assert (code, out, err) == (
        0,
        "ok: 1 integration(s) in 1 file(s) are valid (live catalog checks)\n",
        "",
    )
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--format", "json")
    assert code == 0
    [change] = json.loads(out)["changes"]
    assert change["action"] == "create"
    assert change["steps"][0]["body"]["site_third_party_integration"] == site
    assert change["steps"][0]["body"]["enabled"] is False


@pytest.mark.parametrize(
    "kind", ["PAYMENT_GATEWAY", "E_INVOICING", "TAX_CALCULATION", "DATA_EXPORT", "EMAIL_PROVIDER"]
)
def test_every_solvimon_starter_validates(sandbox, capsys, monkeypatch, tmp_path, kind):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog", kind, "--yaml")
    assert code == 0
    assert f"\ntype: {kind}\n" in out
    path = tmp_path / "starter.yaml"
    path.write_text(out, encoding="utf-8")
    code, out, _ = cli(capsys, monkeypatch, sandbox, "validate", str(path), "--live")
    assert (code, out) == (0, "ok: 1 integration(s) in 1 file(s) are valid (live catalog checks)\n")


def test_solvimon_type_shows_its_sub_objects_and_what_activation_needs(
    sandbox, capsys, monkeypatch
):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog", "TAX_CALCULATION")
    assert code == 0
    assert out.startswith(
        "solvimon: tax_calculation (TAX_CALCULATION)\n  type: TAX_CALCULATION\n"
        "  description: Tax calculation settings; only for type TAX_CALCULATION.\n"
        "  credentials needed: yes\n  options: required\n"
        "  note: to activate with variant AVATAX: tax_calculation.ava_tax.company_code, "
        "authentication.username_password.username, "
        "authentication.username_password.password\n"
    )
    assert (
        "  object tax_calculation.ava_tax, required:\n    AvaTax settings, when variant is "
        "AVATAX.\n    - company_code  text, required — The AvaTax company the billing entity "
        "is linked to.\n" in out
    )
    assert "    - password  secret, required — " in out


def test_the_sandbox_lists_its_default_mandates(sandbox, capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, sandbox, "catalog", "--provider", "solvimon")
    assert code == 0
    assert (
        "  default e-invoicing mandates:\n    NAME              COUNTRY  FILE FORMATS\n"
        "    BE-B2B-PEPPOL     BE       UBL, PDF\n" in out
    )
    assert "    PL-B2B-KSEF       PL       FA\n" in out


MANDATES = [
    {"name": "FR_B2B", "country": "FR", "supported_file_formats": ["UBL", "PDF"]},
    {"name": "PEPPOL", "country": None, "supported_file_formats": None},
]


class _Mandates(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        ok = self.path == "/v1/integrations/e-invoicing/default-mandates"
        body = json.dumps(MANDATES if ok else {"type": "API_ERROR", "code": "NOT_FOUND"})
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())


@contextmanager
def mandates_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Mandates)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_default_mandates_are_listed_in_every_format(sandbox, capsys, monkeypatch):
    with mandates_server() as url:
        env = {"SOLVIMON_API_URL": url}
        args = ("catalog", "--provider", "solvimon")
        code, out, _ = cli(capsys, monkeypatch, sandbox, *args, env=env)
        assert code == 0
        assert (
            "  default e-invoicing mandates:\n    NAME    COUNTRY  FILE FORMATS\n"
            "    FR_B2B  FR       UBL, PDF\n    PEPPOL  -        -\n" in out
        )
        code, out, _ = cli(capsys, monkeypatch, sandbox, *args, "--format", "json", env=env)
        [table] = json.loads(out)["catalogs"][0]["tables"]
        assert table["rows"] == [["FR_B2B", "FR", "UBL, PDF"], ["PEPPOL", "-", "-"]]
        code, out, _ = cli(capsys, monkeypatch, sandbox, *args, "--format", "markdown", env=env)
        assert "| FR_B2B | FR | UBL, PDF |\n" in out
