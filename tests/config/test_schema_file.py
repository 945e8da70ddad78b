"""The JSON Schema file itself: valid 2020-12, strict, documented, found at run time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from config_support import EXAMPLES
from jsonschema import Draft202012Validator

from reconciler.config import kinds, schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "schemas" / "revcent-integration.schema.json"


def _subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("x-messages", "x-hints", "x-suggest", "const", "required"):
                continue
            yield from _subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{where}/{index}")


def test_schema_is_valid_2020_12_with_an_id() -> None:
    data = json.loads(SCHEMA_FILE.read_text())
    Draft202012Validator.check_schema(data)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data["$id"]


def test_every_object_schema_forbids_unknown_keys() -> None:
    data = json.loads(SCHEMA_FILE.read_text())
    for where, node in _subschemas(data):
        if "properties" in node or "patternProperties" in node:
            if where.endswith(("/if", "/not")):
                continue  # a condition, not a shape
            assert node.get("additionalProperties") is False, where


def test_every_property_has_a_description() -> None:
    data = json.loads(SCHEMA_FILE.read_text())
    for where, node in _subschemas(data):
        if where.endswith(("/if", "/not")):
            continue
        for name, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{where}/properties/{name}"


def test_the_run_time_schema_is_the_repository_file() -> None:
    """In a checkout the loader reads schemas/ (installed: reconciler/_schemas)."""
    for info in kinds.all_kind_infos():
        path = schema.schema_path(info.schema)
        assert path.is_file()
    assert schema.schema_path("revcent-integration.schema.json") == SCHEMA_FILE
    assert [d.name for d in schema.schema_dirs()] == ["_schemas", "schemas"]


def test_an_installed_layout_is_found_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "reconciler"
    (package / "_schemas").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_schemas" / "x.schema.json").write_text("{}")
    monkeypatch.setattr(schema.reconciler, "__file__", str(package / "__init__.py"))
    assert schema.schema_path("x.schema.json") == package / "_schemas" / "x.schema.json"
    with pytest.raises(schema.ConfigError, match=r"schema nothing\.json not found"):
        schema.schema_path("nothing.json")


def test_examples_point_their_modeline_at_the_schema() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text()
        target = text.splitlines()[0].split("$schema=", 1)[1]
        kind = next(line for line in text.splitlines() if line.startswith("kind: "))[6:]
        info = kinds.kind_info(kind)
        assert info is not None, path
        assert (path.parent / target).resolve() == ROOT / "schemas" / info.schema, path


def test_the_validator_is_compiled_once() -> None:
    name = kinds.all_kind_infos()[0].schema
    assert schema.validator(name) is schema.validator(name)
