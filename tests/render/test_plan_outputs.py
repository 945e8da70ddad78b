"""Plan renderings: golden text and Markdown for every action, JSON against its schema."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from helpers import create_live, make_plan, write_yaml
from jsonschema import Draft202012Validator

from reconciler.plan_file import plan_from_data
from reconciler.render.markdown import render_markdown
from reconciler.render.plan_json import plan_to_data
from reconciler.render.text import render_text
from reconciler.sandbox.revcent import catalog

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # regenerate: UPDATE_GOLDEN=1 pytest tests/render

CONFIG = """
kind: revcent/UserThirdPartyIntegration
name: Main Tax
previously: [Tax Provider]
description: Tax for renewals.
enabled: true
site_integration: Avalara
credentials:
  id: avalara_credentials
  fields:
    account_id: {env: AVA_ACCOUNT}
    license_key: {file: /run/secrets/avalara}
options:
  company:
    company_code: BRAND_A
---
kind: revcent/UserThirdPartyIntegration
name: Brand A Shipping
description: Ships Brand A.
enabled: true
site_integration: ShipStation
credentials:
  id: shipstation_credentials
  fields:
    api_key: {env: SS_KEY}
    api_secret: {env: SS_SECRET}
options:
  store:
    store_id: brand-a-store
  shipping_services:
    service_ids: [ground, two_day]
---
kind: revcent/UserThirdPartyIntegration
name: Tracking
description: Unchanged | with a pipe <b>
enabled: false
site_integration: EasyPost
"""


def golden_plan(sandbox, tmp_path, monkeypatch):
    ids = {
        "Tax Provider": create_live(
            sandbox,
            "Tax Provider",
            catalog.AVALARA,
            description="Tax.",
            credentials={"account_id": "1", "license_key": "x"},
            credential_id="avalara_credentials",
            options={"company": {"company_code": ["DEFAULT"]}},
            enabled=False,
        ),
        "Tracking": create_live(
            sandbox, "Tracking", catalog.EASYPOST, description="Unchanged | with a pipe <b>"
        ),
        "Legacy": create_live(sandbox, "Legacy", catalog.TAXJAR_LEGACY),
    }
    monkeypatch.chdir(tmp_path)
    write_yaml(tmp_path, "integrations/all.yaml", CONFIG)
    plan = make_plan(sandbox, "integrations")
    return plan, ids


def stable(text: str, ids: dict[str, str]) -> str:
    for name, live_id in ids.items():
        text = text.replace(live_id, f"<id of {name}>")
    return text


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}; UPDATE_GOLDEN=1"


def test_text_rendering_matches_golden(sandbox, tmp_path, monkeypatch):
    plan, ids = golden_plan(sandbox, tmp_path, monkeypatch)
    check_golden("plan.txt", stable(render_text(plan), ids))


def test_text_rendering_colours_only_when_asked(sandbox, tmp_path, monkeypatch):
    plan, _ = golden_plan(sandbox, tmp_path, monkeypatch)
    assert "\x1b[" not in render_text(plan)
    assert "\x1b[32m+ create\x1b[0m" in render_text(plan, color=True)


def test_markdown_rendering_matches_golden(sandbox, tmp_path, monkeypatch):
    plan, ids = golden_plan(sandbox, tmp_path, monkeypatch)
    check_golden("plan.md", stable(render_markdown(plan), ids))


def test_markdown_is_truncated_under_the_limit_with_a_count(sandbox, tmp_path, monkeypatch):
    plan, _ = golden_plan(sandbox, tmp_path, monkeypatch)
    text = render_markdown(plan, limit=2500)
    assert len(text) <= 2500
    left_out = re.search(r"(\d+) more integration\(s\) with changes were left out", text)
    assert left_out is not None and int(left_out.group(1)) >= 1
    assert "**0 to create" not in text and "**1 to create, 1 to update" in text


def test_json_plan_validates_against_its_schema_and_round_trips(sandbox, tmp_path, monkeypatch):
    plan, ids = golden_plan(sandbox, tmp_path, monkeypatch)
    data = plan_to_data(plan)
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert errors == []
    assert plan_to_data(plan_from_data(json.loads(json.dumps(data)))) == data
    update = next(c for c in data["changes"] if c["action"] == "update")
    assert (update["name"], update["id"], update["risk"]) == (
        "Main Tax",
        ids["Tax Provider"],
        "high",
    )
    assert update["source"] == "integrations/all.yaml:1"
    assert [s["purpose"] for s in update["steps"]] == [
        "rename / describe",
        "save options",
        "enable last",
    ]
    create = next(c for c in data["changes"] if c["action"] == "create")
    assert create["id"] is None
    assert create["steps"][1]["path"] == "/v2/user_third_party_integrations/{id}"
    assert data["unmanaged"] == [
        {
            "provider": "revcent",
            "kind": "revcent/UserThirdPartyIntegration",
            "name": "Legacy",
            "id": ids["Legacy"],
        }
    ]
    assert data["summary"] == {"create": 1, "update": 1, "unchanged": 1, "unmanaged": 1}
