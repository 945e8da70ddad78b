"""Stored records and catalog entries rendered in the shapes of the vendor's Get response."""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.rules import asset_values
from reconciler.sandbox.revcent.store import Integration

SITE_KEY = "site_third_party_integration"  # the last key of a user integration's view

# The ``options`` of each asset select of a site, in catalog order: all a site view varies by.
AssetChoices = tuple[tuple[str, ...], ...]


def site_view(site: dict[str, Any], rec: Integration | None = None) -> dict[str, Any]:
    """A ``site_third_party_integration`` object.

    Asset selects list what ``rec``'s saved credentials can see; in the catalog endpoints
    (``rec`` None) and before credentials are saved, their ``options`` are empty.
    """
    return site_view_with(site, asset_choices(site, rec))


def asset_choices(site: dict[str, Any], rec: Integration | None = None) -> AssetChoices:
    """What each asset select of ``site`` lists for ``rec`` (see ``site_view``)."""
    return tuple(
        tuple(asset_values(site["id"], opt["id"], field["id"], rec) if rec else ())
        for opt, field in _asset_fields(site)
    )


def site_view_with(site: dict[str, Any], choices: AssetChoices) -> dict[str, Any]:
    """``site`` copied, its asset selects listing ``choices`` (in ``_asset_fields`` order)."""
    view: dict[str, Any] = _copy(site)
    listed = iter(choices)
    for _opt, field in _asset_fields(view):
        field["select_settings"]["options"] = list(next(listed))
    return view


def _asset_fields(site: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(option, field) of every select whose values are the account's assets."""
    return [
        (opt, field)
        for opt in site["third_party_options"]
        for field in opt["fields"]
        if (settings := field.get("select_settings")) and settings.get("third_party_asset")
    ]


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON data: a quarter of ``copy.deepcopy``'s time (no memo, no
    dispatch)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def site_of(rec: Integration) -> dict[str, Any]:
    """The catalog entry of ``rec``'s site."""
    site = catalog.site_integration(rec.site_id)
    if site is None:  # the catalog lost an entry the database still uses: a sandbox bug
        raise LookupError(f"site integration {rec.site_id} is not in the catalog")
    return site


def integration_fields(rec: Integration) -> dict[str, Any]:
    """``integration_view`` without its last key, ``SITE_KEY``."""
    return {
        "id": rec.id,
        "name": rec.name,
        "description": rec.description,
        "enabled": rec.enabled,
        "third_party_credentials_saved": [rec.credential_id] if rec.credential_id else [],
        "third_party_options_saved": rec.options,
    }


def integration_view(rec: Integration) -> dict[str, Any]:
    """The body of GetUserThirdPartyIntegration without the call envelope."""
    site = site_of(rec)
    return {**integration_fields(rec), SITE_KEY: site_view(site, rec)}
