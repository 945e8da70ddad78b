"""A live RevCent integration as the YAML document that describes it exactly.

Why a pure function apart from the provider: ``import`` needs it with the account's catalog at
hand (to name the site integration), while the benchmarks and the reliability suite build
their YAML from list answers alone; one writer keeps all three describing live state alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.providers.base import FIX_KEY
from reconciler.providers.revcent.descriptor import KIND
from reconciler.providers.revcent.state import LiveIntegration, comparable
from reconciler.providers.revcent.types import TYPES, integration_type


def export_document(
    live: LiveIntegration | Mapping[str, Any], site_ref: str | None = None
) -> dict[str, Any]:
    """The document of ``live`` as saved; planning it right away changes nothing.

    ``site_ref`` names the site integration (its name where unique); None writes its id.
    Credentials are written ``external`` (RevCent never shows secrets, and none is needed
    to keep them); unsaved ones are left out, as is a description RevCent holds none of
    (``""`` would be a change). ``enabled: true`` is left out too while the credentials it
    needs are missing: RevCent could not enable it again, so the file cannot demand it.
    ``type`` is the site's integration type, when it is one the schema knows.
    """
    current = live if isinstance(live, LiveIntegration) else LiveIntegration.from_body(live)
    site = current.catalog
    doc: dict[str, Any] = {"kind": KIND, "name": current.name, "id": current.id}
    if current.description is not None:
        doc["description"] = current.description
    saved = site.credential_id is None or site.credential_id in current.credentials_saved
    if saved or not current.enabled:
        doc["enabled"] = bool(current.enabled)
    doc["site_integration"] = site_ref or site.site_id
    kind = integration_type(site.site)
    if kind in TYPES:  # what the file relies on: plan refuses another type from now on
        doc["type"] = kind
    if site.credential_id and site.credential_id in current.credentials_saved:
        doc["credentials"] = {"id": site.credential_id, "external": True}
    options: dict[str, dict[str, Any]] = {}
    fixes: list[str] = []
    rank = site.order()
    kept = comparable(current.options, site)
    knowable = bool(current.credentials_saved)
    for _, option_id in sorted((rank.get((o, None), 10**9), o) for o in kept):
        fields = kept[option_id]
        for _, field_id in sorted((rank.get((option_id, f), 10**9), f) for f in fields):
            raw = current.values(option_id, field_id) or ()
            offered = site.assets(option_id, field_id)
            stale = [v for v in raw if v not in offered]
            if knowable and site.is_asset(option_id, field_id) and stale:
                # Plan would refuse the saved value; the file leaves it to live and says so.
                now = ", ".join(offered) if offered else "none"
                fixes.append(
                    f"options.{option_id}.{field_id}: the saved value "
                    f"{', '.join(map(repr, stale))} is no longer offered by the account "
                    f"(assets now: {now}); left out of this file: set it to one of them "
                    "before changing any option"
                )
                continue
            multiple = site.is_multiple(option_id, field_id)
            options.setdefault(option_id, {})[field_id] = (
                list(raw) if multiple or len(raw) != 1 else raw[0]
            )
    if options:
        doc["options"] = options
    if fixes:
        doc[FIX_KEY] = fixes
    return doc
