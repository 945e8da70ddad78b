"""The shipped examples load, pass every offline check, and pass the catalog checks."""

from __future__ import annotations

import time
from pathlib import Path

from config_support import EXAMPLES, live_get

from reconciler.config import load_config, read_config
from reconciler.providers.revcent.catalog_checks import check_against_catalog
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.sandbox.revcent import catalog

EASYPOST_EXTERNAL = (
    "credentials 'easypost_credentials' are external, but 'Tracking - EasyPost' does not exist "
    "in RevCent"
)


def _examples() -> list[DesiredIntegration]:
    """The RevCent examples (the Solvimon ones are checked in tests/solvimon)."""
    items = load_config([EXAMPLES])
    return [i for i in items if isinstance(i, DesiredIntegration)]


def test_examples_pass_offline_checks() -> None:
    result = read_config([EXAMPLES])
    assert result.problems == ()
    assert len(result.files) == len(list(EXAMPLES.glob("*.yaml")))
    assert [i.key for i in result.resources if i.kind == "solvimon/Integration"] == [
        "mailgun-eu",
        "stripe-main",
        "avatax-eu",
    ]
    assert [i.name for i in _examples()] == [
        "AI Provider - Support Assistant",
        "Offline Payment - Sezzle",
        "Offline Payment - Affirm",
        "Brand A Shipping",
        "Tracking - EasyPost",
        "Main Tax Provider - Production",
        "Marketplace Tax - TaxJar",
        "Voice Provider - Main Store",
    ]


def test_examples_pass_catalog_checks_with_nothing_live() -> None:
    """Only notes (assets unknown before credentials are saved), except the one example whose
    credentials are external: those must already be saved in RevCent, and nothing is live."""
    problems = check_against_catalog(_examples(), catalog.SITE_INTEGRATIONS, {})
    errors = [p.message for p in problems if p.severity == "error"]
    assert errors == [EASYPOST_EXTERNAL]
    notes = [p for p in problems if p.severity == "note"]
    assert len(notes) == 6


def test_examples_pass_catalog_checks_once_easypost_is_saved_live() -> None:
    live = {
        "Tracking - EasyPost": live_get(
            "Tracking - EasyPost", catalog.EASYPOST, saved={"api_key": "k"}
        )
    }
    problems = check_against_catalog(_examples(), catalog.SITE_INTEGRATIONS, live)
    assert [p for p in problems if p.severity == "error"] == []


def test_examples_pass_catalog_checks_when_everything_is_live() -> None:
    """Every example live with credentials saved: the assets they name are offered."""
    saved = {
        catalog.AVALARA: {"account_id": "1100000000", "license_key": "lk"},
        catalog.SHIPSTATION: {"api_key": "ss", "api_secret": "s"},
        catalog.SEZZLE: {"public_key": "p", "private_key": "k"},
        catalog.OPENAI: {"api_key": "sk"},
        catalog.ELEVENLABS: {"api_key": "el"},
    }
    sites = {s["name"]: s["id"] for s in catalog.SITE_INTEGRATIONS}
    live = {}
    for item in _examples():
        site_id = sites.get(item.site_integration, item.site_integration)
        live[item.name] = live_get(item.name, site_id, saved=saved.get(site_id, {"x": "y"}))
    assert check_against_catalog(_examples(), catalog.SITE_INTEGRATIONS, live) == []


def test_a_thousand_files_load_quickly(tmp_path: Path) -> None:
    """The benchmark target: validating 1,000 small files stays well under a second or two."""
    text = (EXAMPLES / "tax-avalara.yaml").read_text()
    for index in range(1000):
        body = text.replace("Main Tax Provider - Production", f"Tax {index}")
        body = body.replace("[Tax Provider]", f"[Old Tax {index}]")
        (tmp_path / f"tax-{index:04}.yaml").write_text(body)
    start = time.perf_counter()
    result = read_config([tmp_path])
    elapsed = time.perf_counter() - start
    assert result.problems == ()
    assert len(result.resources) == 1000
    assert elapsed < 5, f"{elapsed:.2f}s"  # about 0.3 s here; generous for slow CI machines
