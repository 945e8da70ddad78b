"""RevCent's fields, declared for the shared field diff, and its two comparisons.

Why declared, not walked: planning, drift and verification must agree on what counts as equal
(whitespace never makes a change, a multi-select is a set, an absent option value reads as
empty, a credential is only saved or not); ``reconciler.fielddiff`` compares, and this module
says which RevCent field is which. Which option fields are multi-selects is the catalog's
word, so the table of a catalog adds those.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from reconciler.fielddiff import ANY, SAVED, Field, Fields, diff, dotted, mismatch
from reconciler.providers.base import Mismatch
from reconciler.providers.revcent.state import (
    Catalog,
    LiveIntegration,
    norm_values,
    options_from_body,
)

OPTION = ("options", ANY, ANY)

FIELDS = Fields(
    [
        Field(("name",), risk="low", text=True),
        Field(("description",), risk="low", text=True),
        Field(("enabled",)),
        Field(("site_integration",)),
        Field(("credentials", ANY), secret=True),
        Field(OPTION, text=True, empty_is_absent=True),  # single-selects: order counts
    ]
)
# What an Edit sends is the complete option set: a saved value it lacks is a mismatch.
_SENT = (Field(("options",), complete=True), Field(("options", ANY), complete=True))


def catalog_fields(catalog: Catalog, *, sent: bool = False) -> Fields:
    """The table for one catalog: its multi-selects compare as sets."""
    return _table(tuple(catalog.multiples()), sent)


@functools.lru_cache(maxsize=256)
def _table(multiples: tuple[tuple[str, str], ...], sent: bool) -> Fields:
    # Cached: integrations of one site share a table (and what it learnt of its paths).
    sets = [
        Field(("options", option_id, field_id), text=True, empty_is_absent=True, set_like=True)
        for option_id, field_id in multiples
    ]
    return FIELDS.extended(*sets, *(_SENT if sent else ()))


def live_view(live: LiveIntegration | None) -> dict[str, Any] | None:
    """The managed fields of a live integration, as planning compares them."""
    if live is None:
        return None
    return {
        "name": live.name,
        "description": live.description,
        "enabled": bool(live.enabled),
        "credentials": {i: SAVED for i in live.credentials_saved},
        "options": live.options,
    }


def read_back_mismatches(body: Mapping[str, Any], live: LiveIntegration) -> list[Mismatch]:
    """What the read-back holds differently from what a step sent (secrets: only 'saved';
    option values shown normalised, as compared)."""
    sent: dict[str, Any] = {k: body[k] for k in ("name", "description", "enabled") if k in body}
    if "site_third_party_integration" in body:
        sent["site_integration"] = body["site_third_party_integration"]
    creds = body.get("third_party_credentials")
    if creds is not None:
        sent["credentials"] = {creds["id"]: creds}
    if "third_party_options" in body:
        sent["options"] = options_from_body(body["third_party_options"])
    stored = {
        "name": live.name,
        "description": live.description,
        "enabled": live.enabled,
        "site_integration": live.catalog.site_id,
        "credentials": {i: SAVED for i in live.credentials_saved},
        "options": live.options,
    }
    fields = catalog_fields(live.catalog, sent=True)
    out = []
    for d in diff(sent, stored, fields, whole_items=False):
        if d.path[0] != "options":
            out.append(mismatch(d))
            continue
        multiple = fields.get(d.path).set_like
        want, have = norm_values(d.after or (), multiple), norm_values(d.before or (), multiple)
        out.append(Mismatch(dotted(d.path), list(want), list(have)))
    return out
