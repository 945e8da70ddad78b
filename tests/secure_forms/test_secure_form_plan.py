"""``credentials: {secure_form: true}``: plan never sends secrets, defers what needs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import cli, create_live, make_plan, write_yaml

from reconciler.config import read_config
from reconciler.sandbox.revcent import catalog

YAML = """\
kind: revcent/UserThirdPartyIntegration
name: Ship
site_integration: ShipStation
enabled: true
credentials:
  id: shipstation_credentials
  secure_form: true
options:
  store: {store_id: outlet-store}
  shipping_services: {service_ids: [ground]}
"""


def test_create_without_credentials_disabled_and_says_next_step(
    sandbox: Any, tmp_path: Path
) -> None:
    path = write_yaml(tmp_path, "ship.yaml", YAML)
    (change,) = make_plan(sandbox, tmp_path).changes
    assert change.action == "create"
    assert [(s.purpose, dict(s.body)) for s in change.steps] == [
        (
            "create, disabled",
            {"name": "Ship", "site_third_party_integration": catalog.SHIPSTATION, "enabled": False},
        ),
        (
            "save options",
            {
                "third_party_options": [
                    {
                        "id": "shipping_services",
                        "fields": [{"id": "service_ids", "value": ["ground"]}],
                    }
                ]
            },
        ),
    ]
    assert change.notes == (
        "credentials 'shipstation_credentials' are collected by a secure form: created without "
        f"them, disabled; next step: reconciler credentials 'Ship' {path}, then apply again",
        "waits for the credentials: enabled, options.store.store_id",
    )
    assert [f.path for f in change.fields] == ["name", "options.shipping_services.service_ids"]


def test_unsaved_is_a_noop_with_its_note_and_saved_plans_normally(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    path = write_yaml(tmp_path, "ship.yaml", YAML)
    live = create_live(
        sandbox,
        "Ship",
        catalog.SHIPSTATION,
        options={"shipping_services": {"service_ids": ["ground"]}},
    )
    (change,) = make_plan(sandbox, tmp_path).changes
    assert (change.action, change.steps) == ("noop", ())
    assert change.notes[0] == (
        "credentials 'shipstation_credentials' are collected by a secure form and are not saved "
        f"yet; next step: reconciler credentials 'Ship' {path}, then apply again"
    )
    code, out, _ = cli(capsys, monkeypatch, sandbox, "plan", str(tmp_path))
    assert code == 0
    assert (
        f"    Ship ({live})  {path}:1\n"
        "        note: credentials 'shipstation_credentials' are collected by a secure form and "
        f"are not saved yet; next step: reconciler credentials 'Ship' {path}, then apply again\n"
        "        note: waits for the credentials: enabled, options.store.store_id\n"
    ) in out
    # once a person has saved them (here: directly), the plan goes on, sending no credentials
    from helpers import edit

    edit(
        sandbox,
        live,
        {
            "third_party_credentials": {
                "id": "shipstation_credentials",
                "fields": [
                    {"id": "api_key", "value": "ss-other-account"},
                    {"id": "api_secret", "value": "x"},
                ],
            }
        },
    )
    (change,) = make_plan(sandbox, tmp_path, rotate=("all",)).changes
    assert [dict(s.body) for s in change.steps] == [
        {
            "third_party_options": [
                {"id": "store", "fields": [{"id": "store_id", "value": ["outlet-store"]}]},
                {"id": "shipping_services", "fields": [{"id": "service_ids", "value": ["ground"]}]},
            ]
        },
        {"enabled": True},
    ]
    assert change.notes == ()


def test_schema_refuses_fields_or_external_with_secure_form(tmp_path: Path) -> None:
    write_yaml(
        tmp_path,
        "a.yaml",
        YAML.replace(
            "  secure_form: true\n", "  secure_form: true\n  fields: {api_key: {env: K}}\n"
        ),
    )
    write_yaml(
        tmp_path,
        "b.yaml",
        YAML.replace("  secure_form: true\n", "  secure_form: true\n  external: true\n"),
    )
    problems = [
        str(p) for name in ("a", "b") for p in read_config([tmp_path / f"{name}.yaml"]).problems
    ]
    assert problems == [
        f"{tmp_path}/a.yaml:8:3: credentials collected by a secure form (secure_form: true) must "
        "not list 'fields' (remove 'fields': a person enters them in the form; or remove "
        "'secure_form: true' to have reconciler send them)",
        f"{tmp_path}/b.yaml:7:3: credentials cannot be both external: true and secure_form: true "
        "(keep secure_form: true to enter them with 'reconciler credentials', or external: true "
        "if they were saved elsewhere)",
    ]


def test_validate_live_notes_the_missing_form(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    path = write_yaml(tmp_path, "ship.yaml", YAML)
    create_live(sandbox, "Ship", catalog.SHIPSTATION)
    code, _, err = cli(capsys, monkeypatch, sandbox, "validate", "--live", str(tmp_path))
    assert code == 0
    assert (
        f"{path}:7:16: note: credentials 'shipstation_credentials' are collected by a secure "
        f"form and are not saved yet (run: reconciler credentials 'Ship' {path})"
    ) in err
