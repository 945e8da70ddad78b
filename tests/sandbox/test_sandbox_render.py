"""Answer bodies spliced from cached catalog JSON are byte for byte what json.dumps makes,
and the cache never shows a record's old state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.sandbox.revcent import catalog, render
from reconciler.sandbox.revcent.envelope import success
from reconciler.sandbox.revcent.errors import RevCentFailure
from reconciler.sandbox.revcent.service import IntegrationService
from reconciler.sandbox.revcent.views import asset_choices, integration_view, site_view
from reconciler.sandbox.store import Store

USER = "/v2/user_third_party_integrations"
SITE = "/v2/site_third_party_integrations"


def test_spliced_bodies_equal_json_dumps(tmp_path: Path) -> None:
    store = Store(tmp_path / "sandbox.db")
    try:
        service = IntegrationService(store)
        ids = service.seed_bulk(2 * len(catalog.SITE_INTEGRATIONS), "r-")
        # Other assets (a by_key account), and no credentials at all.
        service.edit(
            ids[0],
            {
                "third_party_credentials": {
                    "id": "avalara_credentials",
                    "fields": [
                        {"id": "account_id", "value": "2000999999"},
                        {"id": "license_key", "value": "k"},
                    ],
                },
                "enabled": False,
            },
        )
        service.forget_credentials(ids[1])
        head = success()
        for rec in service.db.page(25, 0):
            encoded = service.get_json(rec.id)
            assert encoded == json.dumps(integration_view(rec))
            assert render.merged(head, encoded) == json.dumps({**head, **integration_view(rec)})
        for integration_id in ids:
            for _ in range(2):  # encoded, then remembered
                encoded = service.get_json(integration_id)
                assert encoded == json.dumps(service.get(integration_id))
                assert render.merged(head, encoded) == json.dumps({**head, **json.loads(encoded)})
        listed = service.list_page_json(25, 1)
        assert listed == [json.dumps(item) for item in service.list_page(25, 1)]
        for site in catalog.SITE_INTEGRATIONS:
            encoded = render.site_json(site["id"], asset_choices(site))
            assert encoded == json.dumps(site_view(site))
            assert render.merged(head, encoded) == json.dumps({**head, **site_view(site)})
        items: list[Any] = [1, "é", {"a": [None]}]
        encoded_items = [json.dumps(item) for item in items]
        assert render.array(encoded_items) == json.dumps(items)
        assert render.array([]) == json.dumps([])
        assert render.with_last(head, "results", "[]") == json.dumps({**head, "results": []})
        assert render.with_last({}, "k", "1") == json.dumps({"k": 1})
    finally:
        store.close()


def test_a_remembered_view_is_never_served_after_a_write(tmp_path: Path) -> None:
    store = Store(tmp_path / "sandbox.db")
    try:
        service = IntegrationService(store)
        [first] = service.seed_bulk(1, "w-")
        before = service.get_json(first)
        assert service.get_json(first) == before  # remembered
        service.edit(first, {"description": "changed"})
        assert json.loads(service.get_json(first))["description"] == "changed"
        assert json.loads(service.list_page_json(25, 1)[0])["description"] == "changed"
        service.forget_credentials(first)
        assert json.loads(service.get_json(first))["third_party_credentials_saved"] == []
        # Another connection (``sandbox reset`` from another process) empties the table.
        other = Store(tmp_path / "sandbox.db")
        other.clear()
        other.close()
        assert service.list_page_json(25, 1) == []
        with pytest.raises(RevCentFailure):
            service.get_json(first)
    finally:
        store.close()


def test_edits_show_in_the_next_get_and_list(
    sandbox_api: Any, sandbox_client: httpx.Client
) -> None:
    def creds(account: str) -> dict[str, Any]:
        return {
            "id": "avalara_credentials",
            "fields": [
                {"id": "account_id", "value": account},
                {"id": "license_key", "value": "lk"},
            ],
        }

    def companies(view: dict[str, Any]) -> list[str]:
        site = view["site_third_party_integration"]
        option = next(o for o in site["third_party_options"] if o["id"] == "company")
        return list(option["fields"][0]["select_settings"]["options"])

    new_id = sandbox_api.create(name="A", site_third_party_integration=catalog.AVALARA)
    assert companies(sandbox_api.get(new_id)) == []
    sandbox_api.edit(new_id, third_party_credentials=creds("1100000001"))
    assert companies(sandbox_api.get(new_id)) == ["DEFAULT", "BRAND_A", "BRAND_B"]
    sandbox_api.edit(new_id, third_party_credentials=creds("2000999999"), name="B")
    view = sandbox_api.get(new_id)
    assert (view["name"], companies(view)) == ("B", ["WHOLESALE", "EU_TRADING"])
    listed = sandbox_client.get(USER, params={"limit": 25, "page": 1})
    assert listed.headers["content-type"] == "application/json; charset=utf-8"
    [item] = listed.json()["results"]
    envelope = ("api_call_id", "api_call_unix", "code")
    assert item == {k: v for k, v in view.items() if k not in envelope}
    site = sandbox_client.get(f"{SITE}/{catalog.AVALARA}")
    assert site.headers["content-type"] == "application/json; charset=utf-8"
    assert companies({"site_third_party_integration": site.json()}) == []
