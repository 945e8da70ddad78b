"""Solvimon integration bodies as comparable values: what counts as equal, how arrays are keyed,
where secrets are, and how desired settings are laid over live ones.

Why one module: planning, drift, verification, fingerprints and import must agree on every
comparison, or an account just applied would show drift. The comparing itself is the shared
``reconciler.fielddiff``; this module declares Solvimon's fields (``FIELDS``) for it.
Everything here is pure data in/out.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from reconciler.fielddiff import NOT_SAVED as NOT_SAVED  # re-exported for the vendor's modules
from reconciler.fielddiff import SAVED as SAVED
from reconciler.fielddiff import Field, Fields, diff, field_change, mismatch, normal
from reconciler.fielddiff import secret_set as secret_set
from reconciler.model import SecretRef
from reconciler.plan import FieldChange
from reconciler.providers.base import Mismatch

MASK = "********"  # what Solvimon shows for a secret that is set [assumed: it masks them]

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


FIELDS = Fields(
    [
        Field(("name",), risk="low", text=True),
        Field(("description",), risk="low", text=True),
        *(Field(spath, secret=True) for spath in sorted(SECRET_PATHS)),
        *(Field(spath, keyed_by=key) for spath, key in ARRAY_KEYS.items()),
    ],
    scalar_sets=True,  # any list of plain values compares as a set
)


def is_secret(spath: tuple[str, ...]) -> bool:
    return spath in SECRET_PATHS


def norm(value: Any, spath: tuple[str, ...] = ()) -> Any:
    """The comparable form (fingerprints): texts of name/description with whitespace folded,
    lists of plain values as sorted sets, keyed arrays as a mapping by key, secrets as saved or
    not, and nulls dropped (a null reads like an absent key)."""
    return normal(value, FIELDS, spath)


def differences(desired: Any, live: Any, *, rotate: bool) -> list[FieldChange]:
    """Managed fields of ``desired`` (what the YAML writes) that differ from ``live``.

    Secrets never compare values: a secret differs when Solvimon holds none, or when a
    rotation is asked for. A keyed item Solvimon lacks is one change (the whole item).
    """
    return [field_change(d) for d in diff(desired, live, FIELDS, rotate=rotate)]


def read_back_mismatches(sent: Any, live: Any) -> list[Mismatch]:
    """What the read-back holds differently from what a step sent (secrets: only 'saved')."""
    return [mismatch(d) for d in diff(sent, live, FIELDS, whole_items=False)]


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
