"""Secret references: read only at apply time; errors name integration and field, never a value."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import FIXTURES

from reconciler.config import load_config, read_config
from reconciler.errors import SecretError
from reconciler.providers.revcent.catalog_checks import check_against_catalog
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.sandbox.revcent import catalog

ENV_SECRET = "env-SECRET-value-4f1c9e"
FILE_SECRET = "file-SECRET-value-8a2b7d"
LITERAL_SECRET = "lk-LITERAL-SECRET-0001"  # written in literal_secret.yaml


def _resolve_all(item: DesiredIntegration) -> dict[str, str]:
    assert item.credentials is not None
    return {
        name: ref.resolve(owner=item.name, field_name=name)
        for name, ref in item.credentials.fields.items()
    }


def test_missing_env_var_at_resolve_time(
    in_fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECONCILER_TEST_UNSET_ACCOUNT_ID", raising=False)
    (item,) = load_config(["secret_missing_env.yaml"])  # loading never reads secrets
    assert isinstance(item, DesiredIntegration) and item.credentials is not None
    ref = item.credentials.fields["account_id"]
    with pytest.raises(SecretError) as caught:
        ref.resolve(owner=item.name, field_name="account_id")
    assert str(caught.value) == (
        "secret_missing_env.yaml:7:17: Main Tax Provider: credential field 'account_id' refers "
        "to environment variable RECONCILER_TEST_UNSET_ACCOUNT_ID, which is not set "
        "(export RECONCILER_TEST_UNSET_ACCOUNT_ID before running apply)"
    )


def test_unreadable_file_at_resolve_time(in_fixtures: Path) -> None:
    (item,) = load_config(["secret_missing_file.yaml"])
    assert isinstance(item, DesiredIntegration) and item.credentials is not None
    ref = item.credentials.fields["license_key"]
    assert ref.file == "secrets/missing_license_key"  # relative to the YAML file's directory
    with pytest.raises(SecretError) as caught:
        ref.resolve(owner=item.name, field_name="license_key")
    assert str(caught.value) == (
        "secret_missing_file.yaml:8:18: Main Tax Provider: credential field 'license_key' "
        "refers to file secrets/missing_license_key, which cannot be read (No such file or "
        "directory) (create the file or fix the path)"
    )


def test_env_and_file_secrets_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_TEST_ACCOUNT_ID", ENV_SECRET)
    (tmp_path / "license").write_text(FILE_SECRET + "\n")
    (tmp_path / "a.yaml").write_text(
        "kind: revcent/UserThirdPartyIntegration\nname: Tax\nsite_integration: Avalara\n"
        "credentials:\n  id: avalara_credentials\n  fields:\n"
        "    account_id: {env: RECONCILER_TEST_ACCOUNT_ID}\n    license_key: {file: license}\n"
    )
    (item,) = load_config([tmp_path])
    assert isinstance(item, DesiredIntegration)
    assert _resolve_all(item) == {"account_id": ENV_SECRET, "license_key": FILE_SECRET}
    assert ENV_SECRET not in repr(item) and FILE_SECRET not in repr(item)


def test_secret_values_never_appear_in_any_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Secrets given by env, by file and (wrongly) literally: no message ever shows one."""
    monkeypatch.setenv("RECONCILER_TEST_ACCOUNT_ID", ENV_SECRET)
    (tmp_path / "license").write_text(FILE_SECRET)
    good = (
        "kind: revcent/UserThirdPartyIntegration\nname: {name}\nsite_integration: Avalara\n"
        "enabled: true\n"
        "credentials:\n  id: avalara_credentials\n  fields:\n"
        "    account_id: {{env: RECONCILER_TEST_ACCOUNT_ID}}\n    license_key: {{file: license}}\n"
        "    licence_key: {{file: license}}\n"  # unknown field: a catalog error
        "options:\n  company:\n    company_code: NOT_AN_ASSET\n"
    )
    (tmp_path / "good.yaml").write_text(good.format(name="Tax"))
    (tmp_path / "dup.yaml").write_text(good.format(name="Tax"))  # duplicate name
    bad = [
        f"credentials: {LITERAL_SECRET}\n",
        f"credentials:\n  id: x\n  fields: {LITERAL_SECRET}\n",
        f"credentials:\n  id: x\n  fields:\n    k: {{env: {LITERAL_SECRET}}}\n",
        f"credentials:\n  id: x\n  fields:\n    k: [{LITERAL_SECRET}]\n",
        f"credentials:\n  id: x\n  fields:\n    k: {{value: {LITERAL_SECRET}}}\n",
        f"credentials:\n  id: x\n  external: {LITERAL_SECRET}\n",
        f"credentials:\n  id: [{LITERAL_SECRET}]\n",
    ]
    for index, tail in enumerate(bad):
        (tmp_path / f"bad{index}.yaml").write_text(
            f"kind: revcent/UserThirdPartyIntegration\nname: B{index}\n"
            f"site_integration: Avalara\n{tail}"
        )
    result = read_config([tmp_path, FIXTURES / "literal_secret.yaml"])
    items = [i for i in result.resources if isinstance(i, DesiredIntegration)]
    problems = list(result.problems)
    problems += check_against_catalog(items, catalog.SITE_INTEGRATIONS, {})
    for item in items:
        for name, ref in (item.credentials.fields if item.credentials else {}).items():
            assert ref.resolve(owner=item.name, field_name=name) in (ENV_SECRET, FILE_SECRET)
    monkeypatch.delenv("RECONCILER_TEST_ACCOUNT_ID")
    (tmp_path / "license").unlink()
    for item in items:
        for name, ref in (item.credentials.fields if item.credentials else {}).items():
            with pytest.raises(SecretError) as caught:
                ref.resolve(owner=item.name, field_name=name)
            problems += caught.value.problems
    assert len(problems) >= len(bad) + 4
    text = "\n".join(f"{p} {p.hint}" for p in problems)
    for secret in (ENV_SECRET, FILE_SECRET, LITERAL_SECRET):
        assert secret not in text
