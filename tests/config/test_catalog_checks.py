"""Catalog checks: one fixture per failure; inputs are the sandbox catalog and Get-shaped bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from config_support import live_get

from reconciler.config import load_config
from reconciler.providers.revcent.catalog_checks import check_against_catalog, live_body
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.sandbox.revcent import catalog

SITES = catalog.SITE_INTEGRATIONS
AVALARA_SAVED = {"account_id": "1100000000", "license_key": "lk"}  # sees DEFAULT, BRAND_A, BRAND_B


def desired(name: str) -> list[DesiredIntegration]:
    items = load_config([name])
    assert all(isinstance(i, DesiredIntegration) for i in items)
    return items  # type: ignore[return-value]


def check(name: str, live: dict[str, Any] | None = None) -> list[str]:
    return [str(p) for p in check_against_catalog(desired(name), SITES, live or {})]


CASES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "catalog_unknown_site.yaml": (
        {},
        [
            "catalog_unknown_site.yaml:3:19: unknown site integration 'Avalera' "
            "(did you mean 'Avalara'?)"
        ],
    ),
    "catalog_ambiguous_site.yaml": (
        {},
        [
            "catalog_ambiguous_site.yaml:4:19: site integration 'TaxJar' is ambiguous: 2 site "
            "integrations have that name (SiteTaxJarTax0000000, SiteTaxJarLegacy0000) "
            "(use the 20-character id instead)"
        ],
    ),
    "catalog_unknown_option.yaml": (
        {},
        [
            "catalog_unknown_option.yaml:5:3: unknown option 'compnay' for Avalara "
            "(did you mean 'company'?)"
        ],
    ),
    "catalog_unknown_field.yaml": (
        {},
        [
            "catalog_unknown_field.yaml:7:5: unknown field 'document_prefx' in option "
            "'document_settings' of Avalara (did you mean 'document_prefix'?)"
        ],
    ),
    "catalog_too_many_values.yaml": (
        {},
        [
            "catalog_too_many_values.yaml:6:19: option field 'capture.capture_mode' takes "
            "exactly one value, not 2 (it is not a multiple select: keep one value)"
        ],
    ),
    "catalog_invalid_static.yaml": (
        {},
        [
            "catalog_invalid_static.yaml:6:27: 'overnite' is not a choice of option field "
            "'shipping_services.service_ids' (did you mean 'overnight'?)"
        ],
    ),
    "catalog_invalid_asset.yaml": (
        {"Main Tax Provider": live_get("Main Tax Provider", catalog.AVALARA, saved=AVALARA_SAVED)},
        [
            "catalog_invalid_asset.yaml:7:19: 'BRAND_C' is not among the assets RevCent lists "
            "for option field 'company.company_code' (choose from the assets RevCent lists: "
            "DEFAULT, BRAND_A, BRAND_B)"
        ],
    ),
    "catalog_asset_unchecked.yaml": (
        {},
        [
            "catalog_asset_unchecked.yaml:12:19: note: option field 'company.company_code' is a "
            "third-party asset: its value will be checked after credentials are saved (RevCent "
            "lists the assets of the provider account once it can reach it)"
        ],
    ),
    "catalog_enable_incomplete.yaml": (
        {},
        [
            "catalog_enable_incomplete.yaml:4:10: cannot enable 'Main Tax Provider' while it is "
            "incomplete: options.company not set (set them in this file, or set enabled: false "
            "until they are)"
        ],
    ),
    "catalog_wrong_credential_id.yaml": (
        {},
        [
            "catalog_wrong_credential_id.yaml:5:7: credential id 'taxjar_v1_credentials' does "
            "not match site integration 'TaxJar' (use id: taxjar_credentials)"
        ],
    ),
    "catalog_unknown_credential_field.yaml": (
        {},
        [
            "catalog_unknown_credential_field.yaml:6:3: missing credential field 'license_key', "
            "required by Avalara (add license_key: {env: NAME} or {file: PATH})",
            "catalog_unknown_credential_field.yaml:8:5: unknown credential field 'licence_key' "
            "for Avalara (did you mean 'license_key'?)",
        ],
    ),
    "catalog_external_not_live.yaml": (
        {},
        [
            "catalog_external_not_live.yaml:4:51: credentials 'easypost_credentials' are "
            "external, but 'Tracking - EasyPost' does not exist in RevCent (save them in RevCent "
            "(web UI or secure form) first, or list the credential fields here as {env: NAME} "
            "or {file: PATH})"
        ],
    ),
    "catalog_site_changed.yaml": (
        {"Brand A Shipping": live_get("Brand A Shipping", catalog.SHIPSTATION)},
        [
            "catalog_site_changed.yaml:4:19: 'Brand A Shipping' exists with site integration "
            "'ShipStation' (SiteShipStation00000), not 'EasyPost' (SiteEasyPost00000000) "
            "(RevCent cannot change it: give the new integration another name)"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_catalog_fixture_reports_exactly(case: str, in_fixtures: Path) -> None:
    live, expected = CASES[case]
    assert check(case, live) == expected


def test_every_catalog_fixture_is_covered(in_fixtures: Path) -> None:
    assert {p.name for p in in_fixtures.glob("catalog_*")} == set(CASES)


def test_problem_severities(in_fixtures: Path) -> None:
    (note,) = check_against_catalog(desired("catalog_asset_unchecked.yaml"), SITES, {})
    assert note.severity == "note"
    (error,) = check_against_catalog(desired("catalog_invalid_static.yaml"), SITES, {})
    assert error.severity == "error"


def test_assets_follow_the_saved_credentials(in_fixtures: Path) -> None:
    """Another AvaTax account lists other companies: the check reads them, never guesses."""
    other = live_get(
        "Main Tax Provider", catalog.AVALARA, saved={"account_id": "2000999999", "license_key": "x"}
    )
    (problem,) = check_against_catalog(
        desired("catalog_invalid_asset.yaml"), SITES, {"Main Tax Provider": other}
    )
    assert problem.hint == "choose from the assets RevCent lists: WHOLESALE, EU_TRADING"


def test_assets_not_checked_while_credentials_are_unsaved(in_fixtures: Path) -> None:
    unsaved = live_get("Main Tax Provider", catalog.AVALARA)
    (problem,) = check_against_catalog(
        desired("catalog_invalid_asset.yaml"), SITES, {"Main Tax Provider": unsaved}
    )
    assert problem.severity == "note"


def test_assets_not_checked_before_new_credentials_are_saved(in_fixtures: Path) -> None:
    """Live has other credentials saved; the YAML's would change which assets exist."""
    body = live_get("Main Tax Provider", catalog.AVALARA, saved=AVALARA_SAVED)
    body["third_party_credentials_saved"] = ["some_other_credentials"]
    (problem,) = check_against_catalog(
        desired("catalog_asset_unchecked.yaml"), SITES, {"Main Tax Provider": body}
    )
    assert problem.severity == "note"


def test_valid_asset_passes(in_fixtures: Path, tmp_path: Path) -> None:
    text = (in_fixtures / "catalog_invalid_asset.yaml").read_text().replace("BRAND_C", "BRAND_B")
    (tmp_path / "ok.yaml").write_text(text)
    live = {
        "Main Tax Provider": live_get("Main Tax Provider", catalog.AVALARA, saved=AVALARA_SAVED)
    }
    assert check_against_catalog(load_config([tmp_path]), SITES, live) == []  # type: ignore[arg-type]


def test_enabling_is_complete_with_live_saved_option(in_fixtures: Path) -> None:
    """Options the file does not set keep their saved values, so they count as set."""
    live = live_get(
        "Main Tax Provider",
        catalog.AVALARA,
        saved=AVALARA_SAVED,
        options_saved={"company": {"company_code": ["DEFAULT"]}},
    )
    assert check("catalog_enable_incomplete.yaml", {"Main Tax Provider": live}) == []


def test_enabling_needs_credentials(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "kind: revcent/UserThirdPartyIntegration\n"
        "name: Tracking\n"
        "site_integration: EasyPost\n"
        "enabled: true\n"
    )
    (problem,) = check_against_catalog(load_config([tmp_path]), SITES, {})  # type: ignore[arg-type]
    assert problem.message == "cannot enable 'Tracking' while it is incomplete: credentials not set"


def test_external_credentials_must_be_saved_live(in_fixtures: Path) -> None:
    unsaved = live_get("Tracking - EasyPost", catalog.EASYPOST)
    (problem,) = check_against_catalog(
        desired("catalog_external_not_live.yaml"), SITES, {"Tracking - EasyPost": unsaved}
    )
    assert problem.message == (
        "credentials 'easypost_credentials' are external, but RevCent has not saved them"
    )
    saved = live_get("Tracking - EasyPost", catalog.EASYPOST, saved={"api_key": "k"})
    assert check("catalog_external_not_live.yaml", {"Tracking - EasyPost": saved}) == []


def test_live_body_by_pinned_id_else_name_else_previous_name(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "kind: revcent/UserThirdPartyIntegration\n"
        "name: New Name\n"
        "previously: [Old Name]\n"
        "site_integration: EasyPost\n"
        "---\n"
        "kind: revcent/UserThirdPartyIntegration\n"
        "name: Pinned\n"
        "id: PinnedIntegration001\n"
        "site_integration: EasyPost\n"
    )
    renamed, pinned = load_config([tmp_path])
    old = live_get("Old Name", catalog.EASYPOST, integration_id="OldIntegration000001")
    by_id = live_get("Pinned Elsewhere", catalog.EASYPOST, integration_id="PinnedIntegration001")
    wrong = live_get("Pinned", catalog.EASYPOST, integration_id="SomeOtherIntegration")
    assert live_body(renamed, {"Old Name": old}) is old  # type: ignore[arg-type]
    assert live_body(pinned, {"x": by_id, "Pinned": wrong}) is by_id  # type: ignore[arg-type]
    assert live_body(pinned, {"Pinned": wrong}) is None  # type: ignore[arg-type]


class _CountingLive(dict[str, Any]):
    """A live map that counts the passes over its bodies."""

    passes = 0

    def values(self) -> Any:
        self.passes += 1
        return super().values()


def test_pinned_ids_are_found_in_one_pass_over_the_account(tmp_path: Path) -> None:
    """An imported repository pins every id: finding each must not scan the whole account
    again (60 documents here; at 10,000 that scan was seconds of a plan)."""
    count = 60
    (tmp_path / "a.yaml").write_text(
        "---\n".join(
            "kind: revcent/UserThirdPartyIntegration\n"
            f"name: Pinned {n}\n"
            f"id: PinnedIntegration{n:03d}\n"
            "site_integration: EasyPost\n"
            for n in range(count)
        )
    )
    items = desired(str(tmp_path))
    live = _CountingLive(
        {
            f"Pinned {n}": live_get(
                f"Pinned {n}", catalog.EASYPOST, integration_id=f"PinnedIntegration{n:03d}"
            )
            for n in range(count)
        }
    )
    assert check_against_catalog(items, SITES, live) == []
    assert live.passes == 1
