"""RevCent request bodies checked at run time against the vendor's own request schemas.

The schemas in ``schemas/`` are verbatim copies of the Create (seed 001) and Edit (seed 000)
request schemas, so the sandbox refuses exactly what the vendor documents as invalid, and a
test keeps the copies equal to the seeds.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, relevance

from reconciler.sandbox.revcent.errors import RevCentFailure

SCHEMA_DIR = Path(__file__).parent / "schemas"
Kind = Literal["create", "edit"]


@cache
def request_schema(kind: Kind) -> dict[str, Any]:
    """The seed's request schema for ``create`` or ``edit``."""
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / f"{kind}_request.json").read_text("utf-8"))
    return schema


@cache
def _validator(kind: Kind) -> Draft202012Validator:
    return Draft202012Validator(request_schema(kind))


def check_body(kind: Kind, body: Any) -> dict[str, Any]:
    """``body`` if it passes the seed schema, else ``invalid_request`` naming the property."""
    errors = list(_validator(kind).iter_errors(body))
    if not errors:
        return body  # type: ignore[no-any-return]
    # Deterministic choice among several errors: the shallowest, most relevant one.
    error = min(errors, key=lambda e: (len(e.absolute_path), relevance(e)))
    raise RevCentFailure("invalid_request", describe(error))


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def describe(error: ValidationError) -> str:
    """A message naming the property, never echoing a sent value (it may be a credential)."""
    where = _path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = schema.get("properties", {})
        extra = sorted(k for k in error.instance if k not in allowed)
        return f"{where}: unknown property {', '.join(repr(k) for k in extra)}"
    if error.validator == "required":
        required: list[str] = error.validator_value  # type: ignore[assignment]
        instance: dict[str, Any] = error.instance  # type: ignore[assignment]
        missing = [k for k in required if k not in instance]
        return f"{where}: missing required property {', '.join(repr(k) for k in missing)}"
    if error.validator == "type":
        return f"{where}: must be of type {error.validator_value}"
    if error.validator in ("minLength", "maxLength"):
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if lo == hi:
            return f"{where}: must be exactly {lo} characters"
        return f"{where}: length must be within {lo}..{hi}"
    return f"{where}: fails the request schema ({error.validator})"
