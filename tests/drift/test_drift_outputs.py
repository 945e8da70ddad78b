"""Drift renderings checked exactly: text, JSON and Markdown golden files (ids normalised)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from drift_support import EXAMPLES, ROOT, example_secrets, forget_credentials, normalise
from helpers import cli, edit

from reconciler.drift import DriftField, DriftItem, DriftReport
from reconciler.render.drift import render_drift_markdown

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # regenerate: UPDATE_GOLDEN=1 pytest tests/drift


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 updates)"


def _ids(capsys, monkeypatch, sandbox) -> dict[str, str]:
    _, out, _ = cli(capsys, monkeypatch, sandbox, "drift", str(EXAMPLES), "--format", "json")
    data = json.loads(out)
    pairs = [(i["id"], i["name"]) for i in data["integrations"]] + [
        (u["id"], u["name"]) for u in data["unmanaged"]
    ]
    return {id_: name for id_, name in pairs if id_}


def test_drift_outputs_are_exactly_the_golden_files(demo_sandbox, work, capsys, monkeypatch):
    code, out, err = cli(
        capsys, monkeypatch, demo_sandbox, "apply", str(EXAMPLES), "--auto-approve",
        env=example_secrets(),
    )  # fmt: skip
    assert code == 0, out + err
    ids = {name: id_ for id_, name in _ids(capsys, monkeypatch, demo_sandbox).items()}
    edit(demo_sandbox, ids["Brand A Shipping"], {"third_party_options": [
        {"id": "store", "fields": [{"id": "store_id", "value": ["brand-a-store"]}]},
        {"id": "shipping_services", "fields": [{"id": "service_ids", "value": ["overnight"]}]},
    ]})  # fmt: skip
    edit(demo_sandbox, ids["Offline Payment - Sezzle"], {"enabled": False})
    edit(demo_sandbox, ids["Tracking - EasyPost"], {"description": "Edited | by <someone>"})
    forget_credentials(demo_sandbox, ids["Voice Provider - Main Store"])
    edit(demo_sandbox, ids["Marketplace Tax - TaxJar"], {"name": "Marketplace Tax (old)"})

    names = _ids(capsys, monkeypatch, demo_sandbox)
    stable = {str(ROOT) + "/": ""}
    for output_format, suffix in (("text", "txt"), ("json", "json"), ("markdown", "md")):
        code, out, err = cli(
            capsys, monkeypatch, demo_sandbox, "drift", str(EXAMPLES), "--format", output_format
        )
        assert code == 2, err
        _check(f"drift.{suffix}", normalise(out, names, stable))


def test_markdown_stays_under_githubs_size_limit():
    items = tuple(
        DriftItem(
            "revcent",
            "revcent/UserThirdPartyIntegration",
            f"Integration {n:03d}",
            f"{n:020d}",
            "drifted",
            f"x.yaml:{n}",
            (DriftField("description", "a" * 200, "b" * 200),),
        )
        for n in range(500)
    )
    text = render_drift_markdown(DriftReport(items), limit=20_000)
    assert len(text) <= 20_000
    assert "integration(s) with drift were left out" in text
