"""The compact response schemas in the repository are the vendor's, as derived from its seeds."""

from __future__ import annotations

import pytest
from contract.compact import STORED, compact, load_stored, render
from contract.vendor_seeds import SEEDS, build_vendor_schemas_from_seeds
from jsonschema import Draft202012Validator


def test_stored_copy_matches_the_seeds() -> None:
    if not sorted(SEEDS.glob("003_*.txt")):
        pytest.skip(f"needs the vendor's seeds 000/001/003 under {SEEDS} (outside the repository)")
    assert STORED.read_text(encoding="utf-8") == render(build_vendor_schemas_from_seeds()), (
        "the seeds changed: run python tests/contract/compact.py and review the diff"
    )


def test_stored_schemas_are_valid_and_closed() -> None:
    schemas = load_stored()
    assert set(schemas) == {
        "create",
        "edit",
        "error",
        "get",
        "list",
        "site",
        "site_get",
        "site_list",
    }
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    assert schemas["get"]["additionalProperties"] is False
    assert "api_call_id" in schemas["get"]["required"]


def test_compact_keeps_what_validates_and_drops_prose() -> None:
    schema = {
        "type": "object",
        "description": "prose",
        "properties": {"description": {"type": "string", "maxLength": 3, "example": "x"}},
        "required": ["description"],
    }
    assert compact(schema) == {
        "type": "object",
        "properties": {"description": {"type": "string", "maxLength": 3}},
        "required": ["description"],
    }
    assert list(Draft202012Validator(compact(schema)).iter_errors({"description": "long"}))
