"""Solvimon's rules as the sandbox enforces them: request schemas, documented forms, type and
variant objects, write-only secrets, completeness, and the status machine.

Why the strictest reading: where the vendor is silent (see docs/solvimon.md) a tool that
passes here is safe against the real API. The request schemas are the spec's own (a verbatim
copy in ``schemas/requests.json``), read strictly: unknown properties are refused.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, relevance

from reconciler.sandbox.solvimon.errors import SolvimonFailure, invalid, operation

SCHEMA_FILE = Path(__file__).parent / "schemas" / "requests.json"
MASK = "********"  # what a Get shows for a secret that is set
STATUSES = ("DRAFT", "PENDING", "TESTING", "ACTIVE", "ERROR", "DEPRECATED", "ARCHIVED")
CREATE_STATUSES = (None, "DRAFT", "ACTIVE")

TYPE_OBJECTS = {
    "PAYMENT_GATEWAY": "payment_gateway",
    "E_INVOICING": "e_invoicing",
    "TAX_CALCULATION": "tax_calculation",
    "DATA_EXPORT": "data_export",
    "EMAIL_PROVIDER": "email_provider",
}
# type object -> (its variant key, variant -> the variant's own object or None)
VARIANTS: dict[str, tuple[str, dict[str, str | None]]] = {
    "payment_gateway": ("variant", {"ADYEN": "adyen", "STRIPE": "stripe"}),
    "e_invoicing": ("processor", {"AVALARA": None}),
    "tax_calculation": ("variant", {"AVATAX": "ava_tax"}),
    "data_export": (
        "variant",
        {"S3": "s3", "BIGQUERY": "bigquery", "GCS": "gcs", "SNOWFLAKE": "snowflake"},
    ),
    "email_provider": ("variant", {"SYSTEM": None, "MAILGUN": "mailgun"}),
}
# What must be set before an integration may become ACTIVE, per (type, variant) [assumed].
# Kept apart, on purpose, from the provider's copy (providers/solvimon/catalog_checks.py):
# the sandbox plays the vendor and the provider is the client's reading of it; one shared
# table could never catch a wrong reading in a test.
REQUIRED_TO_ACTIVATE: dict[tuple[str, str], tuple[str, ...]] = {
    ("PAYMENT_GATEWAY", "STRIPE"): (
        "payment_gateway.stripe.public_key",
        "authentication.api_key.value",
    ),
    ("PAYMENT_GATEWAY", "ADYEN"): (
        "payment_gateway.adyen.company_account",
        "payment_gateway.adyen.merchant_accounts",
        "authentication.api_key.value",
    ),
    ("E_INVOICING", "AVALARA"): (
        "e_invoicing.mandates",
        "authentication.client_credentials.client_id",
        "authentication.client_credentials.client_secret",
    ),
    ("TAX_CALCULATION", "AVATAX"): (
        "tax_calculation.ava_tax.company_code",
        "authentication.username_password.username",
        "authentication.username_password.password",
    ),
    ("DATA_EXPORT", "S3"): ("data_export.s3.bucket_name", "data_export.s3.bucket_region"),
    ("DATA_EXPORT", "BIGQUERY"): (
        "data_export.bigquery.project_id",
        "data_export.bigquery.dataset_id",
    ),
    ("DATA_EXPORT", "GCS"): ("data_export.gcs.bucket_name",),
    ("DATA_EXPORT", "SNOWFLAKE"): ("data_export.snowflake.host", "data_export.snowflake.database"),
    ("EMAIL_PROVIDER", "MAILGUN"): (
        "email_provider.mailgun.domain",
        "authentication.api_key.value",
    ),
    ("EMAIL_PROVIDER", "SYSTEM"): (),
}

_AUTH_SECRETS = (
    ("api_key", "value"),
    ("client_credentials", "client_secret"),
    ("username_password", "password"),
)
_AUTHS = (
    ("authentication",),
    ("payment_gateway", "adyen", "balance_platform_details", "authentication"),
    ("payment_gateway", "adyen", "legal_entity_manager_details", "authentication"),
)
SECRET_PATHS: tuple[tuple[str, ...], ...] = (
    *(auth + leaf for auth in _AUTHS for leaf in _AUTH_SECRETS),
    ("payment_gateway", "adyen", "signing_secret"),
    ("payment_gateway", "stripe", "signing_secret"),
    ("data_export", "bigquery", "gcs_hmac_key_secret"),
)
UPDATE_REQUIRED = ("reference", "name", "description", "type", "linked_resources_configurations")
Kind = Literal["create", "update", "authentication"]
_ROOTS = {
    "create": "IntegrationCreateRequest",
    "update": "IntegrationUpdateRequest",
    "authentication": "AuthenticationSettingsCreateRequest",  # a test-connection body
}


# -- request bodies -----------------------------------------------------------------------
@cache
def _validator(kind: Kind) -> Draft202012Validator:
    components = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["components"]
    strict = _closed(components)
    root = _ROOTS[kind]
    return Draft202012Validator({"$ref": f"#/components/schemas/{root}", "components": strict})


def _closed(node: Any) -> Any:
    """The schemas with ``additionalProperties: false`` on every object that lists properties."""
    if isinstance(node, list):
        return [_closed(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _closed(v) for k, v in node.items()}
    if "properties" in node and node.get("type") == "object":
        out.setdefault("additionalProperties", False)
    return out


def check_body(kind: Kind, body: Any) -> dict[str, Any]:
    """``body`` if it passes the spec's request schema and the documented forms."""
    if not isinstance(body, dict):
        raise SolvimonFailure(400, "BAD_REQUEST", "the request body must be a JSON object")
    errors = list(_validator(kind).iter_errors(body))
    if errors:
        error = min(errors, key=lambda e: (len(e.absolute_path), relevance(e)))
        raise _schema_failure(error)
    if kind == "update":
        for key in UPDATE_REQUIRED:
            if key not in body:
                raise SolvimonFailure(
                    400, "MISSING_FIELD", f"{key}: required in an update", field=key
                )
    _check_forms(body)
    refuse_mask(body)
    return body


def _dotted(parts: Any) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in parts).replace(".[", "[")


def _schema_failure(error: ValidationError) -> SolvimonFailure:
    """A message naming the property, never echoing a sent value (it may be a secret)."""
    where = _dotted(error.absolute_path)
    if error.validator == "required":
        required: list[str] = error.validator_value  # type: ignore[assignment]
        instance: dict[str, Any] = error.instance  # type: ignore[assignment]
        missing = [k for k in required if k not in instance]
        field = ".".join([where, missing[0]]).strip(".")
        return SolvimonFailure(400, "MISSING_FIELD", f"{field}: required", field=field)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = sorted(k for k in error.instance if k not in allowed)
        field = ".".join([where, extra[0]]).strip(".")
        return invalid(field, f"{field}: unknown property")
    if error.validator == "type":
        return invalid(where, f"{where}: must be of type {error.validator_value}")
    if error.validator == "enum":
        choices: list[str] = error.validator_value  # type: ignore[assignment]
        return invalid(where, f"{where}: must be one of {', '.join(choices)}")
    return invalid(where or None, f"{where or 'body'}: is not valid ({error.validator})")


_REFERENCE = re.compile(r"^\S+$")


def _check_forms(body: dict[str, Any]) -> None:
    """The forms the update docs give: reference ``^\\S+$``, texts one line, 256 at most."""
    reference = body.get("reference")
    if reference is not None and (not _REFERENCE.match(reference) or len(reference) > 256):
        raise invalid("reference", "reference: 1..256 characters without whitespace")
    for key in ("name", "description"):
        text = body.get(key)
        if text is not None and (len(text) > 256 or "\n" in text or "\r" in text):
            raise invalid(key, f"{key}: at most 256 characters on one line")


def check_authentication(body: Any) -> dict[str, Any]:
    """A test-connection body: the spec's ``AuthenticationSettingsCreateRequest``, read
    strictly, and never the mask a Get shows in place of a secret."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise SolvimonFailure(400, "BAD_REQUEST", "the request body must be a JSON object")
    errors = list(_validator("authentication").iter_errors(body))
    if errors:
        error = min(errors, key=lambda e: (len(e.absolute_path), relevance(e)))
        raise _schema_failure(error)
    refuse_mask({"authentication": body})
    return body


# -- type and variant objects -------------------------------------------------------------
def check_objects(body: dict[str, Any]) -> None:
    """Only the object of the integration's type; in it, only the object of its variant."""
    own = TYPE_OBJECTS.get(body.get("type", ""))
    for name in TYPE_OBJECTS.values():
        if name != own and body.get(name) is not None:
            raise invalid(
                name, f"{name}: not allowed for an integration of type {body.get('type')}"
            )
    settings = body.get(own or "")
    if not isinstance(settings, dict):
        return
    key, variants = VARIANTS[own or ""]
    chosen = settings.get(key)
    for variant, obj in variants.items():
        if obj and variant != chosen and settings.get(obj) is not None and chosen is not None:
            raise invalid(f"{own}.{obj}", f"{own}.{obj}: not allowed when {own}.{key} is {chosen}")


def incomplete_reasons(body: dict[str, Any]) -> list[str]:
    """What is missing before ``body`` may be ACTIVE (empty: complete)."""
    kind = body.get("type", "")
    own = TYPE_OBJECTS[kind]
    key, _ = VARIANTS[own]
    variant = (body.get(own) or {}).get(key)
    if variant is None:
        return [f"{own}.{key} not set"]
    return [
        f"{path} not set"
        for path in REQUIRED_TO_ACTIVATE.get((kind, variant), ())
        if not _set(body, path)
    ]


def _set(body: dict[str, Any], path: str) -> bool:
    node: Any = body
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node not in (None, "", [], {})


# -- secrets ------------------------------------------------------------------------------
def _secret_slots(body: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, str]]:
    """(parent object, key, dotted path) of every secret whose parent is present in ``body``."""
    for path in SECRET_PATHS:
        node = _parent(body, path)
        if node is not None:
            yield node, path[-1], ".".join(path)


def refuse_mask(body: dict[str, Any]) -> None:
    for parent, key, where in _secret_slots(body):
        if parent.get(key) == MASK:
            raise invalid(where, f"{where}: send the secret itself, never the mask a Get shows")


def keep_omitted_secrets(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Secrets an update leaves out of a sent object keep their saved value (write-only)."""
    for path in SECRET_PATHS:
        parent_new = _parent(new, path)
        parent_old = _parent(old, path)
        if parent_new is None or parent_old is None:
            continue
        if path[-1] not in parent_new and parent_old.get(path[-1]) is not None:
            parent_new[path[-1]] = parent_old[path[-1]]


def _parent(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = body
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def masked(body: dict[str, Any]) -> dict[str, Any]:
    """A copy with every secret that is set shown as the mask."""
    out = copy.deepcopy(body)
    for parent, key, _ in _secret_slots(out):
        if parent.get(key) is not None:
            parent[key] = MASK
    return out


# -- status machine -----------------------------------------------------------------------
def _activate(status: str) -> bool:
    return status != "ARCHIVED"


def _deprecate(status: str) -> bool:
    return status in ("ACTIVE", "DEPRECATED")


def _archive(status: str) -> bool:
    return True


TRANSITIONS: dict[str, tuple[str, Callable[[str], bool], str]] = {
    "activate": ("ACTIVE", _activate, "every status but ARCHIVED"),
    "deprecate": ("DEPRECATED", _deprecate, "ACTIVE (or already DEPRECATED)"),
    "archive": ("ARCHIVED", _archive, "every status"),
}


def transition(body: dict[str, Any], action: str) -> str:
    """The status ``action`` leads to from ``body``'s, or INVALID_OPERATION."""
    target, allowed, sources = TRANSITIONS[action]
    current = body.get("status") or "DRAFT"
    if not allowed(current):
        raise operation(
            f"cannot {action} an integration that is {current} (allowed from {sources})",
            field="status",
            rid=body.get("id"),
        )
    if target == "ACTIVE" and current != "ACTIVE":
        reasons = incomplete_reasons(body)
        if reasons:
            raise operation(
                f"cannot activate an incomplete integration: {'; '.join(reasons)}",
                rid=body.get("id"),
            )
    return target
