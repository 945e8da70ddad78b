"""The compiled (fastjsonschema) check only ever says "valid" where jsonschema agrees.

Random documents are made from the examples by replacing, adding and dropping values; on
every one, a "valid" from the fast check must be a valid from jsonschema. And a large run
reports an invalid document exactly as a small one does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from config_support import run_python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.config import schema
from reconciler.config.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = {
    "revcent/UserThirdPartyIntegration": "revcent-integration.schema.json",
    "solvimon/Integration": "solvimon-integration.schema.json",
}


def _examples() -> list[dict[str, Any]]:
    docs = []
    for path in sorted((ROOT / "examples" / "integrations").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
    return docs


EXAMPLES = _examples()
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(["", " ", "x", "US", "EU", "api_key", "TAX_CALCULATION", "ACTIVE", "a" * 300]),
    st.text(max_size=8),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["id", "name", "value", "env", "file", "x"]), inner, max_size=3
        ),
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(yaml.safe_dump(draw(st.sampled_from(EXAMPLES))))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(VALUES)
        elif action == "drop" and isinstance(parent, dict) and path[-1] != "kind":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "id", "description", "status", "type"]))] = draw(
                VALUES
            )
    return doc


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_fast_check_never_accepts_what_jsonschema_refuses(doc: dict[str, Any]) -> None:
    name = SCHEMAS.get(str(doc.get("kind")))
    if name is None or schema._has_number(doc):
        return
    fast_ok = True
    try:
        schema.fast_validator(name)(doc)
    except Exception:
        fast_ok = False
    if fast_ok:
        assert schema.validator(name).is_valid(doc), doc


def test_every_example_passes_the_fast_check_so_large_runs_use_it() -> None:
    for doc in EXAMPLES:
        schema.fast_validator(SCHEMAS[doc["kind"]])(doc)


def test_after_many_documents_an_invalid_one_is_reported_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (ROOT / "examples" / "integrations" / "tax-avalara.yaml").read_text()
    bad = text.replace("enabled: true", "enabled: sometimes", 1)
    assert bad != text
    (document,), _ = load_text(bad, "bad.yaml")
    small = schema.validate(document, SCHEMAS[document.data["kind"]])
    monkeypatch.setattr(schema, "_validated", {})
    (good,), _ = load_text(text, "good.yaml")
    for _ in range(schema.FAST_AFTER + 5):
        assert schema.validate(good, SCHEMAS[good.data["kind"]]) == []
    assert schema._validated[SCHEMAS[good.data["kind"]]] > schema.FAST_AFTER
    large = schema.validate(document, SCHEMAS[document.data["kind"]])
    assert large == small
    assert [p.message for p in large] == [p.message for p in small] and large


_IMPORTS_PROBE = """
import sys
from reconciler.errors import ConfigError
from reconciler.workspace import load_workspace
try:
    workspace = load_workspace([sys.argv[1]])
    print(workspace.count, "jsonschema" in sys.modules)
except ConfigError as exc:
    print([p.message for p in exc.problems], "jsonschema" in sys.modules)
"""


def _many(directory: Path, count: int, bad: int | None = None) -> Path:
    text = (ROOT / "examples" / "integrations" / "tax-avalara.yaml").read_text()
    directory.mkdir()
    for i in range(count):
        doc = text.replace("Main Tax Provider - Production", f"Tax {i}").replace(
            "previously: [Tax Provider]\n", ""
        )
        if i == bad:
            doc = doc.replace("enabled: true", "enabled: sometimes", 1)
        (directory / f"i{i:04d}.yaml").write_text(doc)
    return directory


def test_a_large_valid_run_never_imports_jsonschema(tmp_path: Path) -> None:
    """The run knows it will check FAST_AFTER documents or more: the fast check from the first."""

    def probe(directory: Path) -> str:
        return run_python(_IMPORTS_PROBE, str(directory))

    count = schema.FAST_AFTER + 10
    assert probe(_many(tmp_path / "good", count)) == f"{count} False"
    # One invalid document among them: jsonschema is imported for its file:line message.
    assert probe(_many(tmp_path / "bad", count, bad=7)) == (
        "[\"'enabled' must be true or false, not 'sometimes'\"] True"
    )
    # A small run validates with jsonschema (compiling the fast check would cost more).
    assert probe(_many(tmp_path / "small", 3)) == "3 True"


def test_the_fast_check_is_compiled_from_the_rules_alone() -> None:
    """Annotations go (they made most of the generated code); names that look like them stay."""
    rules = schema._rules_only(
        {
            "title": "T",
            "description": "D",
            "x-hints": {"required": "h"},
            "type": "object",
            "properties": {
                "description": {"type": "string", "description": "the text", "x-label": "l"},
                "title": {"enum": [{"description": "data, kept"}]},
            },
            "allOf": [
                {"if": {"required": ["title"]}, "then": {"$comment": "c", "minProperties": 2}}
            ],
        }
    )
    assert rules == {
        "type": "object",
        "properties": {
            "description": {"type": "string"},
            "title": {"enum": [{"description": "data, kept"}]},
        },
        "allOf": [{"if": {"required": ["title"]}, "then": {"minProperties": 2}}],
    }
    revcent = schema._rules_only(schema.load_schema(SCHEMAS["revcent/UserThirdPartyIntegration"]))
    assert "description" in revcent["properties"] and "title" not in revcent
