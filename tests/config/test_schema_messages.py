"""Schema errors read like advice: the node named plainly, the fix in parentheses."""

from __future__ import annotations

import pytest

from reconciler.config import check_document
from reconciler.config.loader import load_text

HEAD = "kind: revcent/UserThirdPartyIntegration\nname: X\nsite_integration: Avalara\n"


def problems(tail: str) -> list[str]:
    (document,), trouble = load_text(HEAD + tail, "a.yaml")
    assert trouble == []
    return [str(p) for p in check_document(document)]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (
            "previously: Old\n",
            "a.yaml:4:13: 'previously' must be a list, not 'Old' "
            "(write a list, like previously: [Old Name])",
        ),
        (
            "previously: [Old, Old]\n",
            "a.yaml:4:19: 'previously' lists 'Old' twice (remove the repeated entry)",
        ),
        (
            "previously: [7]\n",
            "a.yaml:4:14: item 1 of 'previously' must be text, not 7 (quote it: \"7\")",
        ),
        (
            "description:\n",
            "a.yaml:4:13: 'description' must be text, not empty (quote it to make it text, or "
            "remove the key to leave the description unmanaged)",
        ),
        (
            "credentials:\n  id: c\n  fields:\n    k: {env: 9LIVES}\n",
            "a.yaml:7:14: environment variable name of credential field 'k' must be letters, "
            "digits and _, not starting with a digit (name the variable that holds the "
            "secret, like AVALARA_LICENSE_KEY)",
        ),
        (
            "credentials:\n  id: c\n  fields:\n    k: {}\n",
            "a.yaml:7:8: credential field 'k' must be a secret reference like {env: NAME} or "
            "{file: PATH} (add env: NAME or file: PATH)",
        ),
        (
            "credentials:\n  id: c\n  fields:\n    k: {envv: K}\n",
            "a.yaml:7:9: unknown key 'envv' in 'credentials.fields.k' (did you mean 'env'?)",
        ),
        (
            "credentials:\n  id: c\n  fields: {}\n",
            "a.yaml:6:11: 'credentials.fields' must not be empty",
        ),
        (
            "options:\n  company: DEFAULT\n",
            "a.yaml:5:12: option 'company' must be a mapping, not 'DEFAULT' (write the "
            "option's fields below it, like company_code: DEFAULT)",
        ),
        (
            "options:\n  company:\n    company code: DEFAULT\n",
            "a.yaml:6:5: invalid field id 'company code' (use letters, digits, '_' and '-' only)",
        ),
        (
            "options:\n  numbers:\n    phone_numbers: [+15550101]\n",
            "a.yaml:6:21: value 1 of option field 'numbers.phone_numbers' must be text, not "
            '+15550101 (quote it: "+15550101")',
        ),
        (
            "options: {}\n",
            "a.yaml:4:10: 'options' must not be empty (list options, or remove "
            "'options' to leave them unmanaged)",
        ),
        (
            "colour: red\n",
            "a.yaml:4:1: unknown key 'colour' (known keys: kind, name, id, previously, "
            "description, enabled, type, site_integration, credentials, options, ignore)",
        ),
        (
            "ignore: [options.company.company_code.extra]\n",
            "a.yaml:4:10: 'ignore' cannot list 'options.company.company_code.extra' (list "
            "description, enabled, credentials, options, options.<option_id> or "
            "options.<option_id>.<field_id>)",
        ),
        ("name: ''\n", None),  # a duplicate key: reported by the loader, not here
    ],
)
def test_schema_message(tail: str, expected: str | None) -> None:
    if expected is None:
        (_document,), trouble = load_text(HEAD + tail, "a.yaml")
        assert [p.message for p in trouble] == ["duplicate key 'name'"]
        return
    assert problems(tail) == [expected]


def test_empty_name_and_site_integration() -> None:
    (document,), _ = load_text(
        "kind: revcent/UserThirdPartyIntegration\nname: ''\nsite_integration: ''\n", "a.yaml"
    )
    assert [str(p) for p in check_document(document)] == [
        "a.yaml:2:7: 'name' must not be empty",
        "a.yaml:3:19: 'site_integration' must not be empty",
    ]


def test_several_problems_in_one_document_are_all_reported() -> None:
    found = problems("enabled: 'true'\nid: 12\ncolor: red\n")
    assert [p.split(": ", 1)[0] for p in found] == ["a.yaml:4:10", "a.yaml:5:5", "a.yaml:6:1"]
