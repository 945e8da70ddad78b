"""The vendor's own documents (../shared/seeds, outside the repository), read where present.

Only the tests that need the vendor's own files use this; they skip with a reason naming the
file when it is absent (a user's clone).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


def seed_operation(prefix: str) -> dict[str, Any]:
    """The vendor's operation document ``seeds/<prefix>_*.txt`` (skips if not present)."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"vendor seeds not found under {SEEDS}")
    return json.loads(found[0].read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _json_schema(operation: dict[str, Any], status: str) -> dict[str, Any]:
    return operation["responses"][status]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def _merged(*parts: dict[str, Any]) -> dict[str, Any]:
    """The union of object schemas' properties, closed, every property present.

    The Get schema's allOf parts each say additionalProperties: false, so no object passes
    both; the vendor means their union (shared/guides/vendor-apis.md). Requiring every
    property is our own addition: the sandbox always answers complete objects.
    """
    properties: dict[str, Any] = {}
    for part in parts:
        properties.update(part["properties"])
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(properties),
    }


def build_vendor_schemas_from_seeds() -> dict[str, dict[str, Any]]:
    get = seed_operation("003")
    info, integration = _json_schema(get, "200")["allOf"]
    site = integration["properties"]["site_third_party_integration"]

    def listing(item: dict[str, Any]) -> dict[str, Any]:
        page = {
            "properties": {
                "current_count": {"type": "integer", "minimum": 0},
                "current_page": {"type": "integer", "minimum": 1},
                "results": {"type": "array", "items": item},
            }
        }
        return _merged(info, page)

    closed_integration = _merged(integration)
    return {
        "get": _merged(info, integration),
        "list": listing(closed_integration),
        "site": site,
        "site_get": _merged(info, site),
        "site_list": listing(site),
        "create": _json_schema(seed_operation("001"), "200"),
        "edit": _json_schema(seed_operation("000"), "200"),
        "error": _json_schema(get, "default"),
    }
