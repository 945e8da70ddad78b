"""Each way a green plan used to end in a failed apply: now refused by plan and validate --live.

Every test builds the live state through the sandbox's API, then asserts the exact exit code and
message (file:line, what to do) and that nothing but reads reached the sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import cli, create_live, write_yaml

AVALARA = "SiteAvalaraTax000000"
TAXJAR = "SiteTaxJarTax0000000"


def _writes(sandbox: Any) -> dict[str, int]:
    with httpx.Client(
        base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10
    ) as http:
        routes: dict[str, int] = http.get("/_sandbox/stats").json()["by_route"]
    return {route: n for route, n in routes.items() if not route.startswith("GET ")}


def _reset_stats(sandbox: Any) -> None:
    with httpx.Client(
        base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10
    ) as http:
        http.post("/_sandbox/stats/reset").raise_for_status()


def _refused(capsys: Any, monkeypatch: Any, sandbox: Any, path: Path) -> tuple[str, str]:
    """plan, validate --live and apply all exit 1 with the same message; nothing is written."""
    _reset_stats(sandbox)
    code, _, plan_err = cli(capsys, monkeypatch, sandbox, "plan", str(path.parent))
    assert code == 1, plan_err
    code, _, validate_err = cli(
        capsys, monkeypatch, sandbox, "validate", "--live", str(path.parent)
    )
    assert code == 1, validate_err
    code, _, apply_err = cli(
        capsys,
        monkeypatch,
        sandbox,
        "apply",
        str(path.parent),
        "--auto-approve",
        "--journal",
        str(path.parent.parent / "journal.jsonl"),
    )
    assert code == 1, apply_err
    assert _writes(sandbox) == {}
    return plan_err, validate_err


def test_rename_to_a_name_held_live_is_refused(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    mine = create_live(
        sandbox,
        "Tax A",
        TAXJAR,
        credentials={"api_token": "t1"},
        credential_id="taxjar_credentials",
    )
    other = create_live(
        sandbox,
        "Tax B",
        TAXJAR,
        credentials={"api_token": "t2"},
        credential_id="taxjar_credentials",
    )
    path = write_yaml(
        tmp_path / "cfg",
        "a.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        id: {mine}
        name: Tax B
        site_integration: {TAXJAR}
        credentials: {{id: taxjar_credentials, external: true}}
    """,
    )
    plan_err, validate_err = _refused(capsys, monkeypatch, sandbox, path)
    expected = (
        f"{path}:3:7: Tax B: the name is already used by live integration {other} (an "
        "integration no YAML manages); the vendor refuses duplicate names (choose another "
        "name, or import that integration and retire it first)"
    )
    assert expected in plan_err
    assert expected in validate_err


def test_required_field_missing_from_a_written_option_is_refused(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    path = write_yaml(
        tmp_path / "cfg",
        "a.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: Avalara half
        site_integration: {AVALARA}
        credentials:
          id: avalara_credentials
          fields: {{account_id: {{env: AV_ID}}, license_key: {{env: AV_KEY}}}}
        options:
          document_settings:
            document_prefix: RC-
    """,
    )
    monkeypatch.setenv("AV_ID", "1")
    monkeypatch.setenv("AV_KEY", "2")
    plan_err, _ = _refused(capsys, monkeypatch, sandbox, path)
    assert (
        f"{path}:9:5: Avalara half: option 'document_settings' needs its required field "
        "'commit_documents', which is not set (RevCent refuses the whole option set) "
        "(set options.document_settings.commit_documents in the YAML)"
    ) in plan_err


def test_saved_asset_no_longer_offered_is_refused_before_any_option_edit(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    live_id = create_live(
        sandbox,
        "Avalara main",
        AVALARA,
        credentials={"account_id": "1000", "license_key": "k"},
        credential_id="avalara_credentials",
        options={"company": {"company_code": ["DEFAULT"]}},
    )
    # Credentials changed outside the tool: this account lists other companies.
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        http.post(
            f"/v2/user_third_party_integrations/{live_id}",
            json={
                "third_party_credentials": {
                    "id": "avalara_credentials",
                    "fields": [
                        {"id": "account_id", "value": "2000999999"},
                        {"id": "license_key", "value": "k"},
                    ],
                },
            },
        ).raise_for_status()
    path = write_yaml(
        tmp_path / "cfg",
        "a.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        id: {live_id}
        name: Avalara main
        site_integration: {AVALARA}
        credentials: {{id: avalara_credentials, external: true}}
        options:
          document_settings: {{commit_documents: "no"}}
    """,
    )
    plan_err, _ = _refused(capsys, monkeypatch, sandbox, path)
    assert (
        f"{path}:7:3: Avalara main: the saved value 'DEFAULT' of options.company.company_code "
        "is no longer offered by the account (assets now: WHOLESALE, EU_TRADING); any option "
        "change resends it and RevCent would refuse it (set options.company.company_code in "
        "the YAML to one of: WHOLESALE, EU_TRADING)"
    ) in plan_err


@pytest.mark.parametrize("named", ["SIGC 1", "SIGC  1"])
def test_exact_name_wins_over_a_whitespace_twin(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any, named: str
) -> None:
    ids = {
        name: create_live(
            sandbox,
            name,
            TAXJAR,
            description="old",
            credentials={"api_token": "t"},
            credential_id="taxjar_credentials",
        )
        for name in ("SIGC 1", "SIGC  1")
    }
    write_yaml(
        tmp_path / "cfg",
        "a.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: "{named}"
        description: new
        site_integration: {TAXJAR}
        credentials: {{id: taxjar_credentials, external: true}}
    """,
    )
    code, out, err = cli(
        capsys,
        monkeypatch,
        sandbox,
        "apply",
        str(tmp_path / "cfg"),
        "--auto-approve",
        "--journal",
        str(tmp_path / "j.jsonl"),
    )
    assert code == 0, out + err
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        got = {
            n: http.get(f"/v2/user_third_party_integrations/{i}").json()["description"]
            for n, i in ids.items()
        }
    assert got == {n: ("new" if n == named else "old") for n in ids}


def test_two_folded_matches_without_an_exact_one_are_ambiguous(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    ids = [
        create_live(
            sandbox,
            name,
            TAXJAR,
            credentials={"api_token": "t"},
            credential_id="taxjar_credentials",
        )
        for name in ("SIGC  1", "SIGC   1")
    ]
    path = write_yaml(
        tmp_path / "cfg",
        "a.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: SIGC 1
        site_integration: {TAXJAR}
        credentials: {{id: taxjar_credentials, external: true}}
    """,
    )
    plan_err, _ = _refused(capsys, monkeypatch, sandbox, path)
    assert (
        f"{path}:2:7: SIGC 1: the name 'SIGC 1' matches several live integrations: "
        f"'SIGC  1' ({ids[0]}), 'SIGC   1' ({ids[1]}) (pin the one this document manages "
        "with 'id')"
    ) in plan_err


def test_ignore_path_naming_nothing_is_refused(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    create_live(
        sandbox,
        "Tax ignore",
        TAXJAR,
        credentials={"api_token": "t"},
        credential_id="taxjar_credentials",
    )
    path = write_yaml(
        tmp_path / "cfg",
        "a.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: Tax ignore
        description: changed
        site_integration: {TAXJAR}
        credentials: {{id: taxjar_credentials, external: true}}
        ignore: [options.nope, options.nexus.nope, options.nexus]
    """,
    )
    plan_err, validate_err = _refused(capsys, monkeypatch, sandbox, path)
    valid = "description, enabled, credentials, options, options.nexus, options.nexus.nexus_regions"
    for bad in ("options.nexus.nope", "options.nope"):
        line = (
            f"{path}:6:9: Tax ignore: ignore path {bad!r} names nothing TaxJar has "
            f"(paths it can manage: {valid})"
        )
        assert line in plan_err
        assert line in validate_err
    assert "'options.nexus' names" not in plan_err
