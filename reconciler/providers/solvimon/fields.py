"""Solvimon integration bodies as comparable values: what counts as equal, how arrays are keyed,
where secrets are, and how desired settings are laid over live ones.

Why one module: planning, drift, verification, fingerprints and import must agree on every
comparison, or an account just applied would show drift. Everything here is pure data in/out.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from reconciler.model import SecretRef
from reconciler.plan import SENSITIVE, FieldChange, Risk

MASK = "********"  # what Solvimon shows for a secret that is set [assumed: it masks them]
SAVED, NOT_SAVED = "(saved)", "(not saved)"
TOP_TEXT = ("name", "description")  # low risk; compared whitespace-insensitively

TYPE_OBJECTS = {
    "PAYMENT_GATEWAY": "payment_gateway",
    "E_INVOICING": "e_invoicing",
    "TAX_CALCULATION": "tax_calculation",
    "DATA_EXPORT": "data_export",
    "EMAIL_PROVIDER": "email_provider",
}
OBJECTS = ("authentication", *TYPE_OBJECTS.values())
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

_AUTHS = (
    ("authentication",),
    ("payment_gateway", "adyen", "balance_platform_details", "authentication"),
    ("payment_gateway", "adyen", "legal_entity_manager_details", "authentication"),
)
_AUTH_SECRETS = (
    ("api_key", "value"),
    ("client_credentials", "client_secret"),
    ("username_password", "password"),
)
SECRET_PATHS: frozenset[tuple[str, ...]] = frozenset(
    {
        *(auth + leaf for auth in _AUTHS for leaf in _AUTH_SECRETS),
        ("payment_gateway", "adyen", "signing_secret"),
        ("payment_gateway", "stripe", "signing_secret"),
        ("data_export", "bigquery", "gcs_hmac_key_secret"),
    }
)
# Arrays whose items have a natural key (schema path without indexes -> key): compared and
# merged item by item; items the YAML does not list keep their live settings.
ARRAY_KEYS: dict[tuple[str, ...], str] = {
    ("linked_resources_configurations",): "resource_type",
    ("tax_calculation", "custom_tax_codes"): "field",
    ("e_invoicing", "mandates"): "name",
    ("e_invoicing", "mandates", "mappings"): "target",
}


def is_secret(spath: tuple[str, ...]) -> bool:
    return spath in SECRET_PATHS


def risk_of(path: str) -> Risk:
    return "low" if path in TOP_TEXT else "high"


def norm(value: Any, spath: tuple[str, ...] = ()) -> Any:
    """The comparable form: texts of name/description with whitespace folded, lists of plain
    values as sorted sets, keyed arrays as a mapping by key, secrets as saved or not, and
    nulls dropped (a null reads like an absent key)."""
    if isinstance(value, str):
        return " ".join(value.split()) if spath in (("name",), ("description",)) else value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            sub = (*spath, str(key))
            if item is None:
                continue
            if is_secret(sub) and isinstance(item, str):
                out[key] = SAVED if secret_set(item) else NOT_SAVED
            else:
                out[key] = norm(item, sub)
        return out
    if isinstance(value, list | tuple):
        key = ARRAY_KEYS.get(spath)
        if key is not None:
            return {str(i.get(key)): norm(i, spath) for i in value if isinstance(i, Mapping)}
        if all(not isinstance(i, Mapping | list | tuple) for i in value):
            return sorted({repr(i): i for i in value}.values(), key=repr)
        return [norm(i, spath) for i in value]
    return value


def secret_set(value: Any) -> bool:
    """Whether a live secret value says a secret is saved (the mask, or any non-empty text)."""
    return isinstance(value, str) and value != ""


def diff(
    desired: Any, live: Any, path: str, spath: tuple[str, ...], *, rotate: bool
) -> Iterator[FieldChange]:
    """Managed fields of ``desired`` (what the YAML writes) that differ from ``live``.

    Secrets never compare values: a secret differs when Solvimon holds none, or when a
    rotation is asked for.
    """
    if isinstance(desired, SecretRef):
        if not secret_set(live):
            yield FieldChange(path, NOT_SAVED, SENSITIVE, "high", sensitive=True)
        elif rotate:
            yield FieldChange(path, SAVED, SENSITIVE, "high", sensitive=True)
        return
    if isinstance(desired, Mapping):
        have = live if isinstance(live, Mapping) else {}
        for key, value in desired.items():
            yield from diff(value, have.get(key), f"{path}.{key}", (*spath, key), rotate=rotate)
        return
    key = ARRAY_KEYS.get(spath)
    if key is not None and isinstance(desired, list | tuple):
        have_items = {str(i.get(key)): i for i in live or () if isinstance(i, Mapping)}
        for item in desired:
            name = str(item.get(key))
            if name in have_items:
                yield from diff(item, have_items[name], f"{path}[{name}]", spath, rotate=rotate)
            else:
                yield FieldChange(f"{path}[{name}]", None, plain(item), risk_of(path))
        return
    if norm(desired, spath) != norm(live, spath):
        yield FieldChange(path, plain(live), plain(desired), risk_of(path))


def plain(value: Any) -> Any:
    """A value as a plan shows it: lists and mappings copied, secrets as references stay."""
    return copy.deepcopy(value) if isinstance(value, Mapping | list | tuple) else value


def merge(desired: Any, live: Any, spath: tuple[str, ...]) -> Any:
    """``desired`` laid over ``live``: live keys and keyed items the YAML does not write are
    kept; everything else is desired. Secrets from ``live`` (masked) are left out."""
    if isinstance(desired, Mapping) and isinstance(live, Mapping):
        out = {k: copy.deepcopy(v) for k, v in live.items() if not is_secret((*spath, k))}
        for key, value in desired.items():
            out[key] = merge(value, live.get(key), (*spath, key))
        return out
    key = ARRAY_KEYS.get(spath)
    if key is not None and isinstance(desired, list | tuple) and isinstance(live, list):
        items = [copy.deepcopy(i) for i in live]
        positions = {str(i.get(key)): n for n, i in enumerate(items) if isinstance(i, Mapping)}
        for item in desired:
            name = str(item.get(key))
            if name in positions:
                items[positions[name]] = merge(item, items[positions[name]], spath)
            else:
                items.append(merge(item, None, spath))
        return items
    if isinstance(desired, Mapping):
        return {k: merge(v, None, (*spath, k)) for k, v in desired.items()}
    if isinstance(desired, list | tuple):
        return [merge(i, None, spath) for i in desired]
    return desired


def drop_secrets(body: Any, keep: set[tuple[str, ...]], spath: tuple[str, ...] = ()) -> Any:
    """``body`` without the secrets not in ``keep`` (left out, Solvimon keeps saved ones)."""
    if isinstance(body, Mapping):
        return {
            k: drop_secrets(v, keep, (*spath, k))
            for k, v in body.items()
            if not is_secret((*spath, k)) or (*spath, k) in keep
        }
    if isinstance(body, list):
        return [drop_secrets(i, keep, spath) for i in body]
    return body


def secret_paths_in(value: Any, spath: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Schema paths of every secret reference inside ``value``."""
    if isinstance(value, SecretRef):
        yield spath
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from secret_paths_in(item, (*spath, key))


def lookup(body: Any, spath: tuple[str, ...]) -> Any:
    node = body
    for part in spath:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def without_secrets(value: Any, spath: tuple[str, ...] = ()) -> Any:
    """A live value for a YAML file: secrets, nulls and emptied objects left out."""
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            sub = (*spath, key)
            if item is None or is_secret(sub):
                continue
            cleaned = without_secrets(item, sub)
            if cleaned != {}:
                out[key] = cleaned
        return out
    if isinstance(value, list):
        return [without_secrets(i, spath) for i in value]
    return value
