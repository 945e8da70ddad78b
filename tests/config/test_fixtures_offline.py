"""One fixture file per offline failure: the exact message, at the exact line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import load_config, read_config
from reconciler.errors import ConfigError

CASES = {
    "syntax_error.yaml": [
        "syntax_error.yaml:4:12: YAML syntax error: did not find expected ',' or ']' while "
        "parsing a flow sequence that starts at line 3 (check indentation, quotes, brackets "
        "and the ': ' after each key)"
    ],
    "tab_indentation.yaml": [
        "tab_indentation.yaml:6:1: tab character in indentation (indent with spaces; YAML does "
        "not allow tabs for indentation)"
    ],
    "duplicate_key.yaml": [
        "duplicate_key.yaml:4:1: duplicate key 'name' (it is already set at line 2; keep one)"
    ],
    "not_a_mapping.yaml": [
        "not_a_mapping.yaml:2:1: a document must be a mapping of keys, not a list (start each "
        "document with 'kind: ...' and write one key per line)"
    ],
    "unknown_key.yaml": ["unknown_key.yaml:4:1: unknown key 'enabeld' (did you mean 'enabled'?)"],
    "wrong_type.yaml": [
        "wrong_type.yaml:4:10: 'enabled' must be true or false, not 'yes' (write true or false)"
    ],
    "literal_secret.yaml": [
        "literal_secret.yaml:8:18: credential field 'license_key' must be a secret reference "
        "like {env: NAME} or {file: PATH}, never a literal value (put the secret in an "
        "environment variable or a file, and name that here)"
    ],
    "secret_two_sources.yaml": [
        "secret_two_sources.yaml:7:14: credential field 'api_key' must have exactly one of env "
        "or file (keep either env or file)"
    ],
    "missing_required.yaml": [
        "missing_required.yaml:1:1: missing required key 'site_integration' (add "
        "site_integration: the site integration to connect, by name or 20-character id)"
    ],
    "unknown_kind.yaml": [
        "unknown_kind.yaml:1:7: unknown kind 'revcent/Integration' (known kinds: "
        "revcent/UserThirdPartyIntegration, solvimon/Integration)"
    ],
    "bad_id_length.yaml": [
        "bad_id_length.yaml:3:5: 'id' must be exactly 20 letters or digits, not "
        "'AbCdEfGhIjKlMnOpQrS' (19 characters) (copy the id from RevCent, or remove it to "
        "match by name)"
    ],
    "option_boolean.yaml": [
        "option_boolean.yaml:6:23: option field 'document_settings.commit_documents' must be "
        'text or a list of texts, not true (quote it: "true")'
    ],
    "option_float.yaml": [
        "option_float.yaml:6:18: option field 'generation.temperature' must be text or a list "
        'of texts, not 0.2 (quote it: "0.2")'
    ],
    "duplicate_option_value.yaml": [
        "duplicate_option_value.yaml:6:36: option field 'shipping_services.service_ids' lists "
        "'ground' twice (remove the repeated entry)"
    ],
    "bad_ignore.yaml": [
        "bad_ignore.yaml:5:10: 'ignore' cannot list 'descripton' (did you mean 'description'?)"
    ],
    "external_with_fields.yaml": [
        "external_with_fields.yaml:7:3: credentials saved outside reconciler (external: true) "
        "must not list 'fields' (remove 'fields', or remove 'external: true' to have "
        "reconciler save them)"
    ],
    "credentials_without_fields.yaml": [
        "credentials_without_fields.yaml:4:1: missing required key 'fields' (list the "
        "credential fields as {env: NAME} or {file: PATH}, set external: true if they were "
        "saved outside reconciler, or secure_form: true to have a person enter them in a "
        "secure form)"
    ],
    "duplicate_name": [
        "duplicate_name/b.yaml:3:7: duplicate name 'Brand A Shipping': already the name at "
        "duplicate_name/a.yaml:2 (names and previous names must be unique across all files; "
        "rename one)"
    ],
    "duplicate_previously": [
        "duplicate_previously/b.yaml:5:5: duplicate previous name 'Tax Provider': already a "
        "previous name at duplicate_previously/a.yaml:3 (names and previous names must be "
        "unique across all files; rename one)"
    ],
    "duplicate_id": [
        "duplicate_id/a.yaml:8:5: duplicate id 'UserShipStation00001': already the id at "
        "duplicate_id/a.yaml:3 (one live integration can be managed by one document only; "
        "remove one id)"
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_reports_exactly(case: str, in_fixtures: Path) -> None:
    result = read_config([case])
    assert [str(p) for p in result.problems] == CASES[case]
    with pytest.raises(ConfigError) as caught:
        load_config([case])
    assert str(caught.value) == "\n".join(CASES[case])


def test_every_offline_fixture_file_is_covered(in_fixtures: Path) -> None:
    on_disk = {p.name for p in in_fixtures.iterdir() if not p.name.startswith("catalog_")}
    on_disk -= {"secret_missing_env.yaml", "secret_missing_file.yaml"}  # see test_secrets
    assert on_disk == set(CASES)


def test_all_problems_of_all_files_at_once(in_fixtures: Path) -> None:
    """One run reports every case, sorted by file then line: a user fixes them in one go.

    (The fixtures share names, so duplicate-name problems between them come on top.)
    """
    result = read_config(sorted(CASES))
    expected = {line for lines in CASES.values() for line in lines}
    assert expected <= {str(p) for p in result.problems}
    assert [(p.file, p.line, p.column) for p in result.problems] == sorted(
        (p.file, p.line, p.column) for p in result.problems
    )


def test_absolute_paths_stay_absolute(in_fixtures: Path) -> None:
    path = str(in_fixtures / "unknown_key.yaml")
    (problem,) = read_config([path]).problems
    assert problem.file == path


def test_names_differing_only_in_spaces_are_duplicates(tmp_path: Path) -> None:
    head = "kind: revcent/UserThirdPartyIntegration\nsite_integration: EasyPost\n"
    (tmp_path / "a.yaml").write_text(head + "name: Brand A Shipping\n")
    (tmp_path / "b.yaml").write_text(head + "name: 'Brand A  Shipping '\n")
    (problem,) = read_config([tmp_path]).problems
    assert problem.message == (
        f"duplicate name 'Brand A  Shipping ': already the name at {tmp_path}/a.yaml:3"
    )


def test_previously_repeating_the_own_name(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "kind: revcent/UserThirdPartyIntegration\nsite_integration: EasyPost\n"
        "name: Tracking\npreviously: [Old, Tracking]\n"
    )
    (problem,) = read_config([tmp_path]).problems
    assert str(problem) == (
        f"{tmp_path}/a.yaml:4:19: previously repeats this document's own name 'Tracking' "
        "(remove it from previously)"
    )
