"""The planner's exact requests for each kind of change, over the real sandbox."""

from __future__ import annotations

import pytest
from helpers import create_live, edit, make_plan, write_yaml

from reconciler.errors import ConfigError
from reconciler.plan import redact
from reconciler.sandbox.revcent import catalog

AVALARA_CREDS = {"account_id": "2000134479", "license_key": "lic-123"}
AVALARA_OPTIONS = {
    "company": {"company_code": ["DEFAULT"]},
    "document_settings": {"commit_documents": ["yes"], "document_prefix": ["RC-"]},
}
HEADER = "kind: revcent/UserThirdPartyIntegration\n"


def live_avalara(sandbox, name="Tax", *, enabled=True, description="Tax for renewals."):
    return create_live(
        sandbox,
        name,
        catalog.AVALARA,
        description=description,
        credentials=AVALARA_CREDS,
        credential_id="avalara_credentials",
        options=AVALARA_OPTIONS,
        enabled=enabled,
    )


def avalara_yaml(tmp_path, body):
    return write_yaml(
        tmp_path,
        "tax.yaml",
        HEADER
        + "site_integration: Avalara\n"
        + "credentials:\n  id: avalara_credentials\n  fields:\n"
        + "    account_id: {env: AVA_ACCOUNT}\n    license_key: {env: AVA_LICENSE}\n"
        + body,
    )


def steps(change):
    return [(s.operation, s.path, redact(s.body)) for s in change.steps]


def only(plan):
    assert len(plan.changes) == 1, plan.changes
    return plan.changes[0]


EDIT = "EditUserThirdPartyIntegration"


def test_rename_only_sends_only_the_name(sandbox, tmp_path):
    live_id = live_avalara(sandbox, "Tax Provider")
    path = avalara_yaml(
        tmp_path, f"id: {live_id}\nname: Main Tax\ndescription: Tax for renewals.\n"
    )
    change = only(make_plan(sandbox, path))
    assert change.action == "update" and change.risk == "low"
    assert steps(change) == [
        (EDIT, f"/v2/user_third_party_integrations/{live_id}", {"name": "Main Tax"})
    ]


def test_description_only(sandbox, tmp_path):
    live_id = live_avalara(sandbox)
    path = avalara_yaml(tmp_path, "name: Tax\ndescription: New words.\nenabled: true\n")
    change = only(make_plan(sandbox, path))
    assert steps(change) == [
        (EDIT, f"/v2/user_third_party_integrations/{live_id}", {"description": "New words."})
    ]
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("description", "Tax for renewals.", "New words.")
    ]


def test_disable_only(sandbox, tmp_path):
    live_id = live_avalara(sandbox)
    path = avalara_yaml(tmp_path, "name: Tax\nenabled: false\n")
    change = only(make_plan(sandbox, path))
    assert change.risk == "high"
    assert steps(change) == [
        (EDIT, f"/v2/user_third_party_integrations/{live_id}", {"enabled": False})
    ]


def test_enable_comes_last(sandbox, tmp_path):
    live_avalara(sandbox, enabled=False)
    path = avalara_yaml(
        tmp_path,
        "name: Tax\ndescription: Now live.\nenabled: true\n"
        "options:\n  company:\n    company_code: BRAND_A\n",
    )
    change = only(make_plan(sandbox, path))
    assert [s.purpose for s in change.steps] == ["rename / describe", "save options", "enable last"]
    assert redact(change.steps[-1].body) == {"enabled": True}
    assert redact(change.steps[0].body) == {"description": "Now live."}


def test_one_option_changed_sends_the_full_merged_set(sandbox, tmp_path):
    live_id = live_avalara(sandbox)
    path = avalara_yaml(tmp_path, "name: Tax\noptions:\n  company:\n    company_code: BRAND_B\n")
    change = only(make_plan(sandbox, path))
    assert steps(change) == [
        (
            EDIT,
            f"/v2/user_third_party_integrations/{live_id}",
            {
                "third_party_options": [
                    {"id": "company", "fields": [{"id": "company_code", "value": ["BRAND_B"]}]},
                    {
                        "id": "document_settings",
                        "fields": [
                            {"id": "commit_documents", "value": ["yes"]},
                            {"id": "document_prefix", "value": ["RC-"]},
                        ],
                    },
                ]
            },
        )
    ]
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("options.company.company_code", "DEFAULT", "BRAND_B")
    ]


def test_multi_select_reorder_is_no_change(sandbox, tmp_path):
    create_live(
        sandbox,
        "Ship",
        catalog.SHIPSTATION,
        credentials={"api_key": "k", "api_secret": "s"},
        credential_id="shipstation_credentials",
        options={
            "store": {"store_id": ["main-store"]},
            "shipping_services": {"service_ids": ["ground", "two_day"]},
        },
    )
    path = write_yaml(
        tmp_path,
        "ship.yaml",
        HEADER + "name: Ship\nsite_integration: ShipStation\n"
        "options:\n  shipping_services:\n    service_ids: [two_day, ground]\n",
    )
    assert only(make_plan(sandbox, path)).action == "noop"


def test_whitespace_only_difference_is_no_change(sandbox, tmp_path):
    live_avalara(sandbox, description="Tax  for renewals.")
    path = avalara_yaml(
        tmp_path,
        "name: ' Tax'\ndescription: |\n  Tax for\n  renewals.\n"
        "options:\n  document_settings:\n    document_prefix: ' RC-'\n",
    )
    change = only(make_plan(sandbox, path))
    assert change.action == "noop", change.fields


def test_credentials_missing_live_are_sent(sandbox, tmp_path):
    live_id = create_live(sandbox, "Tax", catalog.AVALARA)
    path = avalara_yaml(tmp_path, "name: Tax\n")
    change = only(make_plan(sandbox, path))
    assert steps(change) == [
        (
            EDIT,
            f"/v2/user_third_party_integrations/{live_id}",
            {
                "third_party_credentials": {
                    "id": "avalara_credentials",
                    "fields": [
                        {"id": "account_id", "value": "(sensitive)"},
                        {"id": "license_key", "value": "(sensitive)"},
                    ],
                }
            },
        )
    ]
    assert [(f.path, f.before, f.after, f.sensitive) for f in change.fields] == [
        ("credentials.avalara_credentials", "(not saved)", "(sensitive)", True)
    ]


def test_saved_credentials_are_not_sent(sandbox, tmp_path):
    live_avalara(sandbox)
    path = avalara_yaml(tmp_path, "name: Tax\n")
    assert only(make_plan(sandbox, path)).action == "noop"


def test_rotation_sends_credentials(sandbox, tmp_path):
    live_id = live_avalara(sandbox)
    path = avalara_yaml(tmp_path, "name: Tax\n")
    change = only(make_plan(sandbox, path, rotate=("Tax",)))
    assert [s.purpose for s in change.steps] == ["save credentials"]
    assert change.steps[0].path == f"/v2/user_third_party_integrations/{live_id}"
    assert only(make_plan(sandbox, path, rotate=("all",))).action == "update"
    assert only(make_plan(sandbox, path, rotate=("Other",))).action == "noop"


def test_external_credentials_not_saved_is_an_error(sandbox, tmp_path):
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    path = write_yaml(
        tmp_path,
        "t.yaml",
        HEADER + "name: Tracking\nsite_integration: EasyPost\n"
        "credentials: {id: easypost_credentials, external: true}\n",
    )
    with pytest.raises(ConfigError) as caught:
        make_plan(sandbox, path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:4:51: credentials 'easypost_credentials' are external, but RevCent has not "
        "saved them (save them in RevCent (web UI or secure form) first, or list the credential "
        "fields here as {env: NAME} or {file: PATH})"
    ]


def test_create_with_options_and_enabled_is_three_steps_in_order(sandbox, tmp_path):
    path = avalara_yaml(
        tmp_path,
        "name: New Tax\ndescription: Fresh.\nenabled: true\n"
        "options:\n  company:\n    company_code: DEFAULT\n",
    )
    change = only(make_plan(sandbox, path))
    assert change.action == "create" and change.id is None
    assert steps(change) == [
        (
            "CreateUserThirdPartyIntegration",
            "/v2/user_third_party_integrations",
            {
                "name": "New Tax",
                "description": "Fresh.",
                "site_third_party_integration": catalog.AVALARA,
                "third_party_credentials": {
                    "id": "avalara_credentials",
                    "fields": [
                        {"id": "account_id", "value": "(sensitive)"},
                        {"id": "license_key", "value": "(sensitive)"},
                    ],
                },
                "enabled": False,
            },
        ),
        (
            EDIT,
            "/v2/user_third_party_integrations/{id}",
            {
                "third_party_options": [
                    {"id": "company", "fields": [{"id": "company_code", "value": ["DEFAULT"]}]}
                ]
            },
        ),
        (EDIT, "/v2/user_third_party_integrations/{id}", {"enabled": True}),
    ]
    assert change.steps[1].recheck is True


def test_rename_via_previously_is_an_edit(sandbox, tmp_path):
    live_id = live_avalara(sandbox, "Tax Provider")
    path = avalara_yaml(
        tmp_path,
        "name: Main Tax\npreviously: [Tax Provider]\n",
    )
    change = only(make_plan(sandbox, path))
    assert (change.action, change.id) == ("update", live_id)
    assert steps(change) == [
        (EDIT, f"/v2/user_third_party_integrations/{live_id}", {"name": "Main Tax"})
    ]


def test_enabling_an_incomplete_integration_is_refused(sandbox, tmp_path):
    create_live(
        sandbox,
        "Tax",
        catalog.AVALARA,
        credentials=AVALARA_CREDS,
        credential_id="avalara_credentials",
    )
    path = avalara_yaml(tmp_path, "name: Tax\nenabled: true\n")
    with pytest.raises(ConfigError) as caught:
        make_plan(sandbox, path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:9:10: cannot enable 'Tax' while it is incomplete: options.company not set "
        "(set them in this file, or set enabled: false until they are)"
    ]


def test_unknown_asset_is_refused(sandbox, tmp_path):
    live_avalara(sandbox)
    path = avalara_yaml(tmp_path, "name: Tax\noptions:\n  company:\n    company_code: NOPE\n")
    with pytest.raises(ConfigError) as caught:
        make_plan(sandbox, path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:11:19: {caught.value.problems[0].message} (choose from the assets RevCent "
        "lists: DEFAULT, BRAND_A, BRAND_B)"
    ]
    assert caught.value.problems[0].message.startswith("'NOPE' is not")


def test_ignored_field_changed_live_is_no_change(sandbox, tmp_path):
    live_id = live_avalara(sandbox)
    edit(sandbox, live_id, {"description": "Edited in the web UI."})
    path = avalara_yaml(
        tmp_path, "name: Tax\ndescription: Tax for renewals.\nignore: [description]\n"
    )
    assert only(make_plan(sandbox, path)).action == "noop"


def test_unmanaged_integrations_are_listed(sandbox, tmp_path):
    live_avalara(sandbox)
    other = create_live(sandbox, "Somebody else's", catalog.EASYPOST)
    path = avalara_yaml(tmp_path, "name: Tax\n")
    plan = make_plan(sandbox, path)
    assert [(u.key, u.id) for u in plan.unmanaged] == [("Somebody else's", other)]
    assert plan.summary() == {"create": 0, "update": 0, "unchanged": 1, "unmanaged": 1}
