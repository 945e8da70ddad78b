"""Document → DesiredIntegration: normalised values, what is managed, where values are written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.model import Location, SecretRef
from reconciler.providers.revcent.desired import Credentials, DesiredIntegration

FULL = """\
# yaml-language-server: $schema=../../schemas/revcent-integration.schema.json
kind: revcent/UserThirdPartyIntegration
name: Main Tax Provider - Production
id: AbCdEfGhIjKlMnOpQrSt
previously: [Tax Provider]
description: Tax for subscription renewals.
enabled: true
site_integration: Avalara
credentials:
  id: avalara_credentials
  fields:
    account_id: {env: AVALARA_ACCOUNT_ID}
    license_key: {file: /run/secrets/avalara_license_key}
options:
  company:
    company_code: DEFAULT
  shipping_services:
    service_ids: [ground, two_day]
  numbers:
    count: 5
ignore: [description, options.numbers]
"""


def load_one(tmp_path: Path, text: str, name: str = "a.yaml") -> DesiredIntegration:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    (item,) = load_config([path])
    assert isinstance(item, DesiredIntegration)
    return item


def test_every_field_is_read(tmp_path: Path) -> None:
    item = load_one(tmp_path, FULL)
    file = str(tmp_path / "a.yaml")
    assert item.kind == "revcent/UserThirdPartyIntegration"
    assert item.name == "Main Tax Provider - Production"
    assert item.id == "AbCdEfGhIjKlMnOpQrSt"
    assert item.previously == ("Tax Provider",)
    assert item.description == "Tax for subscription renewals."
    assert item.enabled is True
    assert item.site_integration == "Avalara"
    assert item.credentials == Credentials(
        "avalara_credentials",
        {
            "account_id": SecretRef(env="AVALARA_ACCOUNT_ID"),
            "license_key": SecretRef(file="/run/secrets/avalara_license_key"),
        },
    )
    assert item.credentials.fields["account_id"].location == Location(file, 12, 17)
    assert dict(item.options) == {
        "company": {"company_code": ("DEFAULT",)},
        "shipping_services": {"service_ids": ("ground", "two_day")},
        "numbers": {"count": ("5",)},  # integers become text
    }
    assert item.ignore == frozenset({"description", "options.numbers"})
    assert item.document.file == file
    assert str(item.location("options.company.company_code")) == f"{file}:16"


def test_absent_fields_are_not_managed(tmp_path: Path) -> None:
    item = load_one(
        tmp_path,
        "kind: revcent/UserThirdPartyIntegration\nname: Bare\nsite_integration: EasyPost\n",
    )
    assert (item.id, item.previously, item.description, item.enabled) == (None, (), None, None)
    assert item.credentials is None and dict(item.options) == {} and item.ignore == frozenset()
    for path in ("description", "enabled", "credentials", "options", "options.x", "options.x.y"):
        assert not item.manages(path), path
    assert item.manages("name") and item.manages("site_integration")


def test_manages_honours_ignore_and_absence(tmp_path: Path) -> None:
    item = load_one(tmp_path, FULL)
    assert not item.manages("description")  # written, but ignored
    assert item.manages("enabled")
    assert item.manages("credentials")
    assert item.manages("options")
    assert item.manages("options.company")
    assert item.manages("options.company.company_code")
    assert not item.manages("options.company.other_field")  # not written
    assert not item.manages("options.document_settings")
    assert not item.manages("options.numbers")  # ignored
    assert not item.manages("options.numbers.count")  # under an ignored option
    with pytest.raises(ValueError, match="not a managed path"):
        item.manages("site")
    with pytest.raises(ValueError, match="not a managed path"):
        item.manages("enabled.x")


def test_empty_description_is_managed_and_clears(tmp_path: Path) -> None:
    item = load_one(
        tmp_path,
        "kind: revcent/UserThirdPartyIntegration\nname: X\nsite_integration: EasyPost\n"
        'description: ""\nenabled: false\n',
    )
    assert item.description == "" and item.manages("description")
    assert item.enabled is False and item.manages("enabled")


def test_external_credentials(tmp_path: Path) -> None:
    item = load_one(
        tmp_path,
        "kind: revcent/UserThirdPartyIntegration\nname: X\nsite_integration: EasyPost\n"
        "credentials: {id: easypost_credentials, external: true}\n",
    )
    assert item.credentials == Credentials("easypost_credentials", {}, external=True)


def test_relative_secret_files_are_relative_to_the_yaml_file(tmp_path: Path) -> None:
    item = load_one(
        tmp_path,
        "kind: revcent/UserThirdPartyIntegration\nname: X\nsite_integration: EasyPost\n"
        "credentials:\n  id: easypost_credentials\n  fields:\n    api_key: {file: keys/ep}\n",
        name="config/a.yaml",
    )
    assert item.credentials is not None
    assert item.credentials.fields["api_key"].file == str(tmp_path / "config" / "keys" / "ep")


def test_desired_integrations_are_frozen(tmp_path: Path) -> None:
    item = load_one(tmp_path, FULL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        item.options["company"] = {}  # type: ignore[index]
    assert item == load_one(tmp_path, FULL)
