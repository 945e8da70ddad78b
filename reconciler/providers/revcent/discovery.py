"""RevCent discovery: the site integrations, one site's fields, a starter file, an account's assets.

Why: the vendor's workflow (seed 002) is GetSiteThirdPartyIntegrations → GetSiteThirdParty
Integration → create → GetUserThirdPartyIntegration → "show available account-specific
options/assets; the user chooses exact asset(s)". Without this a user guesses option ids,
field ids and asset values. Everything here only reads (Gets); nothing is ever sent.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reconciler.errors import ConfigError
from reconciler.providers.discovery import (
    AssetField,
    AssetReport,
    FieldInfo,
    GroupInfo,
    Listing,
    SiteInfo,
)
from reconciler.providers.revcent.descriptor import KIND, PROVIDER
from reconciler.providers.revcent.state import LiveIntegration
from reconciler.providers.revcent.types import TYPES, dependents, integration_type

if TYPE_CHECKING:
    from reconciler.providers.revcent.provider import RevCentProvider

Body = Mapping[str, Any]
ID_LENGTH = 20


def site_info(site: Body) -> SiteInfo:
    """A site integration (catalog object) as discovery shows it."""
    creds = site.get("third_party_credentials") or {}
    groups: list[GroupInfo] = []
    if creds.get("id"):
        groups.append(
            GroupInfo(
                id=str(creds["id"]),
                name=_text(creds.get("name")),
                role="credentials",
                required=True,
                description=_text(creds.get("description")),
                fields=tuple(
                    FieldInfo(
                        id=str(f.get("id")),
                        name=_text(f.get("name")),
                        type="input",
                        required=bool(f.get("required")),
                        secret=True,
                    )
                    for f in creds.get("fields") or []
                ),
            )
        )
    options = list(site.get("third_party_options") or [])
    for option in options:
        groups.append(
            GroupInfo(
                id=str(option.get("id")),
                name=_text(option.get("name")),
                role="option",
                required=bool(option.get("required")),
                description=_text(option.get("description")),
                fields=tuple(_field(f) for f in option.get("fields") or []),
            )
        )
    kind = integration_type(site) or ""
    notes = []
    if dependents(kind):
        notes.append(f"used by RevCent {', '.join(dependents(kind))}")
    return SiteInfo(
        provider=PROVIDER,
        id=str(site.get("id")),
        name=_text(site.get("name")),
        type=kind,
        description=_text(site.get("description")),
        needs_credentials=bool(creds.get("id")),
        needs_options=any(o.get("required") for o in options),
        has_options=bool(options),
        groups=tuple(groups),
        notes=tuple(notes),
    )


def _field(definition: Body) -> FieldInfo:
    settings = definition.get("select_settings") or {}
    select = definition.get("field_type") == "select"
    asset = select and bool(settings.get("third_party_asset"))
    return FieldInfo(
        id=str(definition.get("id")),
        name=_text(definition.get("name")),
        type=str(definition.get("field_type") or "input"),
        required=bool(definition.get("required")),
        multiple=select and bool(settings.get("multiple")),
        values=() if asset or not select else tuple(str(v) for v in settings.get("options") or []),
        asset=asset,
    )


class RevCentDiscovery:
    """Read-only discovery over one RevCent account (the provider's client and catalog)."""

    def __init__(self, provider: RevCentProvider):
        self.provider = provider

    def listing(self) -> Listing:
        return Listing(PROVIDER, tuple(site_info(s) for s in self.provider.sites))

    def describe(self, reference: str) -> SiteInfo:
        return site_info(find_site(self.provider.sites, reference))

    def starter(self, site: SiteInfo) -> str:
        same_name = [s for s in self.provider.sites if s.get("name") == site.name]
        return starter_yaml(site, by_name=len(same_name) == 1)

    def assets(self, reference: str) -> AssetReport:
        client = self.provider.client
        listed = list(self.provider.list_live())  # one listing, guarded against endless pages
        refs = [r for r in listed if r.id == reference] or [r for r in listed if r.key == reference]
        if not refs:
            raise ConfigError(
                f"revcent: no live integration is called {reference!r} (nor has that id): "
                "run 'reconciler import' or 'reconciler plan' to see the account's integrations"
            )
        if len(refs) > 1:
            ids = ", ".join(r.id for r in refs)
            raise ConfigError(
                f"revcent: {len(refs)} live integrations are called {reference!r} ({ids}): "
                "name one by its id"
            )
        return asset_report(client.get_integration(refs[0].id))


def find_site(sites: Sequence[Body], reference: str) -> Body:
    """The site integration with id ``reference``, else the one with that exact name."""
    by_id = [s for s in sites if s.get("id") == reference]
    if by_id:
        return by_id[0]
    by_name = [s for s in sites if s.get("name") == reference]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        ids = ", ".join(str(s.get("id")) for s in by_name)
        raise ConfigError(
            f"revcent: {len(by_name)} site integrations are called {reference!r} ({ids}): "
            "name one by its id"
        )
    names = sorted({str(s.get("name")) for s in sites})
    close = difflib.get_close_matches(reference, names, n=1) or [
        n for n in names if n.lower() == reference.lower()
    ]
    hint = f"did you mean {close[0]!r}?" if close else "run 'reconciler catalog' to list them"
    raise ConfigError(f"revcent: unknown site integration {reference!r} ({hint})")


def asset_report(body: Body) -> AssetReport:
    """What a GetUserThirdPartyIntegration body offers per option field, and what is saved."""
    live = LiveIntegration.from_body(body)
    site = live.catalog
    cred_id = site.credential_id
    saved_creds = bool(cred_id) and cred_id in live.credentials_saved
    knowable = saved_creds or not cred_id
    fields: list[AssetField] = []
    for option in site.options():
        option_id = str(option.get("id"))
        for definition in option.get("fields") or []:
            info = _field(definition)
            offered: tuple[str, ...] | None = info.values
            if info.asset:
                offered = tuple(site.assets(option_id, info.id)) if knowable else None
            elif info.type != "select":
                offered = ()
            fields.append(
                AssetField(
                    option_id=option_id,
                    field_id=info.id,
                    name=info.name,
                    type=info.type,
                    required=info.required,
                    multiple=info.multiple,
                    asset=info.asset,
                    offered=offered,
                    saved=live.values(option_id, info.id) or (),
                )
            )
    notes = []
    if not knowable:
        notes.append(
            f"credentials {cred_id!r} are not saved: RevCent lists the account's assets only "
            "once they are"
        )
    for f in fields:
        if f.stale:
            notes.append(
                f"options.{f.option_id}.{f.field_id}: the saved value "
                f"{', '.join(map(repr, f.stale))} is no longer offered; choose one of the "
                "offered values before changing any option"
            )
    return AssetReport(
        provider=PROVIDER,
        id=live.id,
        name=live.name,
        site_id=site.site_id,
        site_name=site.name,
        type=integration_type(site.site) or "",
        enabled=live.enabled,
        credential_id=cred_id,
        credentials_saved=saved_creds,
        fields=tuple(fields),
        notes=tuple(notes),
    )


# -- the starter file ----------------------------------------------------------------------


def starter_yaml(site: SiteInfo, *, by_name: bool = True) -> str:
    """A document for ``site``: ids filled in, what to choose in comments, no secret values.

    Every option is commented out: its values are the user's choice (the guide: never default
    to the first one), and asset values are only known once credentials are saved. The file
    stays valid as written (created disabled), so 'reconciler validate' passes on it.
    """
    reference = site.name if by_name else site.id
    other = f"id {site.id}" if by_name else f"{site.name}; the id, since several share the name"
    lines = [
        f"# A starter for a RevCent integration with {site.name} ({site.id}).",
        "# Choose what the comments ask, then: reconciler validate FILE --live, reconciler plan "
        "FILE",
        f"kind: {KIND}",
        _pair("name", f"{site.name} integration")
        + "  # choose: unique in the account (a live integration of this name is managed "
        "by this file)",
        "# description: what it is for, and which RevCent features use it",
    ]
    lines.append(_pair("site_integration", reference) + f"  # {other}")
    if site.type in TYPES:
        used = ", ".join(dependents(site.type))
        lines.append(f"type: {site.type}  # checked against the site integration; used by {used}")
    lines.append("enabled: false  # set true once credentials and the required options are saved")
    creds = next((g for g in site.groups if g.role == "credentials"), None)
    if creds is not None:
        lines.append("credentials:")
        lines.append(f"  id: {_scalar(creds.id)}" + _comment(creds.name, creds.description))
        if creds.fields:
            lines.append("  fields:  # secrets: references to an environment variable or file")
            for f in creds.fields:
                variable = _env_name(site.name, f.id)
                lines.append(
                    f"    {_scalar(f.id)}: {{env: {variable}}}"
                    + _comment(f.name, "required" if f.required else "optional")
                )
        else:
            lines.append("  external: true  # no fields to send: saved in RevCent itself")
    options = [g for g in site.groups if g.role == "option"]
    if options:
        lines.append(
            "# options: choose each value, then uncomment (required options before enabling)"
        )
        lines.append("# options:")
        for group in options:
            lines.append(
                f"#   {group.id}:"
                + _comment(group.name, "required" if group.required else "optional")
                + (f"; {_clean(group.description)}" if group.description else "")
            )
            for f in group.fields:
                lines.append(f"#     {f.id}: {_placeholder(f)}  # {_choice(f)}")
    return "\n".join(lines) + "\n"


def _placeholder(f: FieldInfo) -> str:
    if f.asset:
        return "[CHOOSE]" if f.multiple else "CHOOSE"
    if f.values:
        return "[CHOOSE]" if f.multiple else "CHOOSE"
    return '""'


def _choice(f: FieldInfo) -> str:
    need = "required" if f.required else "optional"
    many = "one or more" if f.multiple else "one"
    if f.asset:
        return (
            f"{f.name}, {need}: {many} of the account's assets; once credentials are saved "
            "see: reconciler assets NAME"
        )
    if f.type == "select":
        return f"{f.name}, {need}: {many} of: {', '.join(f.values)}"
    return f"{f.name}, {need}: text"


def _env_name(site: str, field_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{site}_{field_id}").strip("_").upper() or "SECRET"


def _pair(key: str, value: str) -> str:
    return f"{key}: {_scalar(value)}"


def _scalar(value: str) -> str:
    """A YAML scalar: plain when that reads back as the same text, else double-quoted."""
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9 _./()-]*", value) is not None
    if plain and not value.endswith(" ") and value.lower() not in ("yes", "no", "on", "off"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _comment(*parts: str) -> str:
    text = ": ".join(_clean(p) for p in parts if p and _clean(p))
    return f"  # {text}" if text else ""


def _clean(text: str) -> str:
    return " ".join(text.replace("#", "").split())[:160]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
