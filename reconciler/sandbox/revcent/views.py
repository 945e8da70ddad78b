"""Stored records and catalog entries rendered in the shapes of the vendor's Get response."""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.rules import asset_values
from reconciler.sandbox.revcent.store import Integration


def site_view(site: dict[str, Any], rec: Integration | None = None) -> dict[str, Any]:
    """A ``site_third_party_integration`` object.

    Asset selects list what ``rec``'s saved credentials can see; in the catalog endpoints
    (``rec`` None) and before credentials are saved, their ``options`` are empty.
    """
    view: dict[str, Any] = _copy(site)
    for opt in view["third_party_options"]:
        for field in opt["fields"]:
            settings = field.get("select_settings")
            if settings and settings.get("third_party_asset"):
                settings["options"] = (
                    asset_values(site["id"], opt["id"], field["id"], rec) if rec else []
                )
    return view


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON data: a quarter of ``copy.deepcopy``'s time (no memo, no
    dispatch), and it runs for every item of every list page and every Get."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def integration_view(rec: Integration) -> dict[str, Any]:
    """The body of GetUserThirdPartyIntegration without the call envelope."""
    site = catalog.site_integration(rec.site_id)
    if site is None:  # the catalog lost an entry the database still uses: a sandbox bug
        raise LookupError(f"site integration {rec.site_id} is not in the catalog")
    return {
        "id": rec.id,
        "name": rec.name,
        "description": rec.description,
        "enabled": rec.enabled,
        "third_party_credentials_saved": [rec.credential_id] if rec.credential_id else [],
        "third_party_options_saved": rec.options,
        "site_third_party_integration": site_view(site, rec),
    }
