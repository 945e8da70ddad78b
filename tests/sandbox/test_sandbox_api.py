"""The vendor routes over real HTTP: answers match the seeds' schemas and the documented rules."""

from __future__ import annotations

import re
from typing import Any

import httpx

from reconciler.sandbox.revcent import catalog

USER = "/v2/user_third_party_integrations"
SITE = "/v2/site_third_party_integrations"
ID = re.compile(r"^[A-Za-z0-9]{20}$")

AVALARA_CREDS = {
    "id": "avalara_credentials",
    "fields": [
        {"id": "account_id", "value": "1100000001"},
        {"id": "license_key", "value": "lk-secret-value-1"},
    ],
}
AVALARA_OPTIONS = [
    {"id": "company", "fields": [{"id": "company_code", "value": ["BRAND_A"]}]},
    {
        "id": "document_settings",
        "fields": [
            {"id": "commit_documents", "value": ["no"]},
            {"id": "document_prefix", "value": ["RC-"]},
        ],
    },
]


def _field(view: dict[str, Any], option_id: str, field_id: str) -> dict[str, Any]:
    site = view["site_third_party_integration"]
    option = next(o for o in site["third_party_options"] if o["id"] == option_id)
    return next(f for f in option["fields"] if f["id"] == field_id)


def _complete_avalara(sandbox_api: Any, name: str = "Tax") -> str:
    new_id = sandbox_api.create(
        name=name,
        site_third_party_integration=catalog.AVALARA,
        third_party_credentials=AVALARA_CREDS,
    )
    sandbox_api.edit(new_id, third_party_options=AVALARA_OPTIONS, enabled=True)
    return new_id


def test_create_edit_get_answers_match_the_seeds(
    sandbox_client: httpx.Client, check_vendor: Any
) -> None:
    created = sandbox_client.post(
        USER,
        json={
            "name": "Tax",
            "description": "d",
            "site_third_party_integration": catalog.AVALARA,
            "third_party_credentials": AVALARA_CREDS,
        },
    )
    assert created.status_code == 200
    check_vendor("create", created.json())
    new_id = created.json()["user_third_party_integration_id"]
    assert ID.match(new_id) and ID.match(created.json()["api_call_id"])

    edited = sandbox_client.post(
        f"{USER}/{new_id}", json={"third_party_options": AVALARA_OPTIONS, "enabled": True}
    )
    assert edited.status_code == 200
    check_vendor("edit", edited.json())
    assert edited.json()["user_third_party_integration_id"] == new_id

    got = sandbox_client.get(f"{USER}/{new_id}")
    assert got.status_code == 200
    body = got.json()
    check_vendor("get", body)
    assert body["code"] == 1 and isinstance(body["api_call_unix"], int)
    assert body["id"] == new_id
    assert body["name"] == "Tax" and body["description"] == "d" and body["enabled"] is True
    assert body["third_party_credentials_saved"] == ["avalara_credentials"]
    assert body["third_party_options_saved"] == AVALARA_OPTIONS
    assert body["site_third_party_integration"]["id"] == catalog.AVALARA


def test_list_pages_in_creation_order(
    sandbox_client: httpx.Client, sandbox_api: Any, check_vendor: Any
) -> None:
    ids = [
        sandbox_api.create(name=f"n{i}", site_third_party_integration=catalog.EASYPOST)
        for i in range(5)
    ]
    _complete_avalara(sandbox_api, "complete")
    seen = []
    for page, expected in ((1, 2), (2, 2), (3, 2), (4, 0)):
        body = sandbox_client.get(USER, params={"limit": 2, "page": page}).json()
        check_vendor("list", body)
        assert body["current_page"] == page and body["current_count"] == expected
        seen += [item["id"] for item in body["results"]]
    assert seen[:5] == ids
    default = sandbox_client.get(USER).json()
    assert default["current_page"] == 1 and default["current_count"] == 6


def test_site_catalog_endpoints_match_the_get_schema_parts(
    sandbox_client: httpx.Client, check_vendor: Any
) -> None:
    listed = sandbox_client.get(SITE).json()
    check_vendor("site_list", listed)
    assert [s["id"] for s in listed["results"]] == [s["id"] for s in catalog.SITE_INTEGRATIONS]
    paged = sandbox_client.get(SITE, params={"limit": 3, "page": 4}).json()
    assert paged["current_count"] == len(catalog.SITE_INTEGRATIONS) - 9

    one = sandbox_client.get(f"{SITE}/{catalog.AVALARA}")
    assert one.status_code == 200
    check_vendor("site_get", one.json())
    # Assets belong to an account: a catalog entry lists none.
    assert (
        _field({"site_third_party_integration": one.json()}, "company", "company_code")[
            "select_settings"
        ]["options"]
        == []
    )


def test_assets_appear_only_after_credentials_and_follow_them(sandbox_api: Any) -> None:
    new_id = sandbox_api.create(name="Tax", site_third_party_integration=catalog.AVALARA)
    view = sandbox_api.get(new_id)
    assert view["third_party_credentials_saved"] == []
    assert _field(view, "company", "company_code")["select_settings"]["options"] == []

    sandbox_api.edit(new_id, third_party_credentials=AVALARA_CREDS)
    first = _field(sandbox_api.get(new_id), "company", "company_code")
    assert first["select_settings"]["options"] == ["DEFAULT", "BRAND_A", "BRAND_B"]

    other = {
        "id": "avalara_credentials",
        "fields": [
            {"id": "account_id", "value": "2000999999"},
            {"id": "license_key", "value": "lk-2"},
        ],
    }
    sandbox_api.edit(new_id, third_party_credentials=other)
    second = _field(sandbox_api.get(new_id), "company", "company_code")
    assert second["select_settings"]["options"] == ["WHOLESALE", "EU_TRADING"]
    # Static selects do not depend on credentials.
    static = _field(sandbox_api.get(new_id), "document_settings", "commit_documents")
    assert static["select_settings"]["options"] == ["yes", "no"]


def test_partial_edit_changes_only_what_is_sent(sandbox_api: Any) -> None:
    new_id = _complete_avalara(sandbox_api)
    before = sandbox_api.get(new_id)
    sandbox_api.edit(new_id, description="new words")
    after = sandbox_api.get(new_id)
    assert after["description"] == "new words"
    for key in ("name", "enabled", "third_party_credentials_saved", "third_party_options_saved"):
        assert after[key] == before[key]

    sandbox_api.edit(new_id, name="Renamed")
    assert sandbox_api.get(new_id)["name"] == "Renamed"
    assert sandbox_api.get(new_id)["description"] == "new words"


def test_options_replace_the_whole_saved_set(sandbox_api: Any) -> None:
    new_id = _complete_avalara(sandbox_api)
    only_company = [{"id": "company", "fields": [{"id": "company_code", "value": ["DEFAULT"]}]}]
    sandbox_api.edit(new_id, third_party_options=only_company)
    assert sandbox_api.get(new_id)["third_party_options_saved"] == only_company


def test_multiple_select_keeps_every_value(sandbox_api: Any) -> None:
    new_id = sandbox_api.create(name="TJ", site_third_party_integration=catalog.TAXJAR)
    regions = ["US-CA", "US-NY", "US-TX"]
    options = [{"id": "nexus", "fields": [{"id": "nexus_regions", "value": regions}]}]
    sandbox_api.edit(new_id, third_party_options=options)
    saved = sandbox_api.get(new_id)["third_party_options_saved"]
    assert saved[0]["fields"][0]["value"] == regions


def test_credential_values_never_come_back(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    _complete_avalara(sandbox_api)
    texts = [sandbox_client.get(USER).text]
    texts += [
        sandbox_client.get(f"{USER}/{i['id']}").text
        for i in sandbox_client.get(USER).json()["results"]
    ]
    for text in texts:
        assert "lk-secret-value-1" not in text and "1100000001" not in text


def test_create_without_enabled_is_disabled(sandbox_api: Any) -> None:
    new_id = sandbox_api.create(name="E", site_third_party_integration=catalog.EASYPOST)
    view = sandbox_api.get(new_id)
    assert view["enabled"] is False and view["description"] == ""
    assert view["third_party_options_saved"] == []


def test_enable_works_once_complete(sandbox_api: Any) -> None:
    creds = {"id": "easypost_credentials", "fields": [{"id": "api_key", "value": "k"}]}
    new_id = sandbox_api.create(
        name="E", site_third_party_integration=catalog.EASYPOST, third_party_credentials=creds
    )
    sandbox_api.edit(new_id, enabled=True)
    assert sandbox_api.get(new_id)["enabled"] is True
    # No required option: a complete create may be enabled at once.
    other = sandbox_api.create(
        name="E2",
        site_third_party_integration=catalog.EASYPOST,
        third_party_credentials=creds,
        enabled=True,
    )
    assert sandbox_api.get(other)["enabled"] is True
