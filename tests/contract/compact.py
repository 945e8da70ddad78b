"""The project's own compact copy of the vendor's response schemas, and how it is derived.

Why: the contract tests (every sandbox answer valid for the vendor's documented schema) must run
on any clone, but the vendor's documents live outside the repository (``../shared/seeds``). The
compact form keeps what validation uses (types, properties, required, enums, lengths, bounds)
and drops prose (descriptions, titles, examples). ``tests/contract/test_compact_schemas.py``
re-derives it from the seeds where they are present and fails when the two differ.

Regenerate: ``python tests/contract/compact.py`` (needs ../shared/seeds).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STORED = HERE / "revcent-responses.schema.json"
KEPT = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "pattern",
    "const",
    "allOf",
    "anyOf",
    "oneOf",
}


def compact(node: Any) -> Any:
    """``node`` with only the keywords validation uses, recursively."""
    if isinstance(node, list):
        return [compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: compact(sub) for name, sub in value.items()}
        elif key in KEPT:
            out[key] = compact(value)
    return out


def load_stored() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(STORED.read_text(encoding="utf-8"))
    return data["schemas"]


def render(schemas: dict[str, Any]) -> str:
    document = {
        "$comment": "Compact RevCent response schemas derived from the vendor's seeds 000, 001 "
        "and 003 (tests/contract/compact.py); regenerate, do not edit.",
        "schemas": {name: compact(schema) for name, schema in sorted(schemas.items())},
    }
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    from contract.vendor_seeds import build_vendor_schemas_from_seeds

    STORED.write_text(render(build_vendor_schemas_from_seeds()), encoding="utf-8")
    print(f"wrote {STORED}")
