"""The vendor's rules for credentials, options, assets and enabling, checked against the catalog.

Pure functions over plain dicts: the service applies them to the API and to the demo seeding
alike, so no path into the store can skip them. Where the vendor is silent they follow the
strictest reading (docs/sandbox.md lists each rule).
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.errors import RevCentFailure
from reconciler.sandbox.revcent.store import Integration

Site = dict[str, Any]


def check_credentials(site: Site, sent: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The credential id and ``{field id: value}`` to save, or RevCentFailure naming the problem.

    Values never appear in a message: only ids and paths.
    """
    spec = site["third_party_credentials"]
    if sent["id"] != spec["id"]:
        raise RevCentFailure(
            "credential_id_mismatch",
            f"third_party_credentials.id must be '{spec['id']}' for site third party "
            f"integration {site['id']} ({site['name']})",
        )
    known = {f["id"]: f for f in spec["fields"]}
    values: dict[str, str] = {}
    for i, item in enumerate(sent["fields"]):
        where = f"third_party_credentials.fields[{i}].id"
        if item["id"] not in known:
            raise RevCentFailure(
                "unknown_credential_field",
                f"{where}: '{item['id']}' is not a field of {spec['id']} "
                f"(fields: {', '.join(known)})",
            )
        if item["id"] in values:
            raise RevCentFailure(
                "duplicate_credential_field", f"{where}: '{item['id']}' sent twice"
            )
        values[item["id"]] = item["value"]
    for fid, f in known.items():
        if f.get("required") and not values.get(fid):
            raise RevCentFailure(
                "missing_credential_field",
                f"third_party_credentials.fields: required field '{fid}' is missing or empty",
            )
    return spec["id"], values


def asset_values(site_id: str, option_id: str, field_id: str, rec: Integration) -> list[str]:
    """What the provider would list for this account: nothing until credentials are saved."""
    if rec.credential_id is None:
        return []
    return catalog.assets_for(site_id, option_id, field_id, rec.credential_values)


def check_options(site: Site, sent: list[dict[str, Any]], rec: Integration) -> list[dict[str, Any]]:
    """The option set to save (it replaces the saved one), or RevCentFailure.

    ``rec`` carries the credentials in force for this request (newly sent ones included), since
    asset values are checked against what those credentials can see.
    """
    options = {o["id"]: o for o in site["third_party_options"]}
    seen: set[str] = set()
    for i, opt in enumerate(sent):
        where = f"third_party_options[{i}]"
        spec = options.get(opt["id"])
        if spec is None:
            known = ", ".join(options) or "none"
            raise RevCentFailure(
                "unknown_option",
                f"{where}.id: '{opt['id']}' is not an option of {site['name']} (options: {known})",
            )
        if opt["id"] in seen:
            raise RevCentFailure("duplicate_option", f"{where}.id: '{opt['id']}' sent twice")
        seen.add(opt["id"])
        _check_option_fields(site["id"], spec, opt["fields"], where, rec)
    return [{"id": o["id"], "fields": [dict(f) for f in o["fields"]]} for o in sent]


def _check_option_fields(
    site_id: str, spec: dict[str, Any], sent: list[dict[str, Any]], where: str, rec: Integration
) -> None:
    fields = {f["id"]: f for f in spec["fields"]}
    given: dict[str, list[str]] = {}
    for j, item in enumerate(sent):
        at = f"{where}.fields[{j}]"
        field = fields.get(item["id"])
        if field is None:
            raise RevCentFailure(
                "unknown_option_field",
                f"{at}.id: '{item['id']}' is not a field of option '{spec['id']}' "
                f"(fields: {', '.join(fields)})",
            )
        if item["id"] in given:
            raise RevCentFailure("duplicate_option_field", f"{at}.id: '{item['id']}' sent twice")
        given[item["id"]] = item["value"]
        _check_values(site_id, spec["id"], field, item["value"], f"{at}.value", rec)
    for fid, field in fields.items():
        values = given.get(fid, [])
        if field.get("required") and not any(v != "" for v in values):
            raise RevCentFailure(
                "missing_option_field",
                f"{where}: option '{spec['id']}' requires field '{fid}' with a value",
            )


def _check_values(
    site_id: str,
    option_id: str,
    field: dict[str, Any],
    values: list[str],
    at: str,
    rec: Integration,
) -> None:
    settings = field.get("select_settings", {})
    if len(values) > 1 and not settings.get("multiple", False):
        raise RevCentFailure(
            "too_many_values", f"{at}: field '{field['id']}' takes one value, got {len(values)}"
        )
    if field["field_type"] != "select":
        return
    if len(set(values)) != len(values):
        raise RevCentFailure("invalid_option_value", f"{at}: a value is sent twice")
    if settings.get("third_party_asset"):
        if values and rec.credential_id is None:
            raise RevCentFailure(
                "credentials_not_saved",
                f"{at}: field '{field['id']}' takes third-party assets, which are known only "
                "after credentials are saved",
            )
        allowed = asset_values(site_id, option_id, field["id"], rec)
        kind = "assets of this account"
    else:
        allowed = settings.get("options", [])
        kind = "options"
    for k, value in enumerate(values):
        if value not in allowed:
            raise RevCentFailure(
                "invalid_option_value",
                f"{at}[{k}]: '{value}' is not one of the {kind} ({', '.join(allowed) or 'none'})",
            )


def incomplete_reasons(site: Site, rec: Integration) -> list[str]:
    """Why ``rec`` may not be enabled: missing credentials, missing required options."""
    reasons = []
    if rec.credential_id is None:
        reasons.append(f"credentials '{site['third_party_credentials']['id']}' are not saved")
    saved = {o["id"] for o in rec.options}
    for opt in site["third_party_options"]:
        if opt.get("required") and opt["id"] not in saved:
            reasons.append(f"required option '{opt['id']}' is not saved")
    return reasons
