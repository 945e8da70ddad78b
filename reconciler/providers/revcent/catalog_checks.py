"""Desired integrations checked against RevCent's catalog and live state, as pure data in/out.

Why pure: ``validate --live`` and the planner both need these answers, and tests must be able
to ask them without a server. The catalog (site integrations) says which credentials and
options exist; the live Get body says which credentials are saved and, once they are, which
third-party assets the account offers. Assets are never guessed: while they cannot be read
yet, the problem is a note, checked again after credentials are saved.

Which live body belongs to a desired integration: if the YAML pins ``id``, the body with that
``id`` (or none); otherwise ``live[name]``, else ``live[previous name]`` in the order written.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from reconciler.errors import Problem
from reconciler.model import PathKey
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.providers.revcent.types import integration_type

Body = Mapping[str, Any]


def check_against_catalog(
    desired: Sequence[DesiredIntegration],
    site_integrations: Sequence[Body],
    live: Mapping[str, Body],
) -> list[Problem]:
    """Every catalog problem of ``desired``, sorted; notes (``severity="note"``) included.

    ``site_integrations`` are catalog objects shaped like the Get response's
    ``site_third_party_integration``; ``live`` maps an integration name to its
    GetUserThirdPartyIntegration body.
    """
    problems: list[Problem] = []
    by_id = ids_of(live)
    for item in desired:
        if isinstance(item, DesiredIntegration):
            problems.extend(_check(item, site_integrations, live_body(item, live, by_id)))
    return sorted(problems)


def ids_of(live: Mapping[str, Body]) -> dict[Any, Body]:
    """Each live body by its ``id`` (the first one, should two share it)."""
    by_id: dict[Any, Body] = {}
    for body in live.values():
        by_id.setdefault(body.get("id"), body)
    return by_id


def live_body(
    item: DesiredIntegration, live: Mapping[str, Body], by_id: Mapping[Any, Body] | None = None
) -> Body | None:
    """The live body ``item`` refers to: by pinned id, else by name, else a previous name.

    ``by_id``: ``ids_of(live)``, built once for many items (a pinned id is then one lookup,
    not a scan of the account: an imported repository pins every id).
    """
    if item.id:
        return (ids_of(live) if by_id is None else by_id).get(item.id)
    for name in (item.name, *item.previously):
        if name in live:
            return live[name]
    return None


def resolve_site(
    item: DesiredIntegration, sites: Sequence[Body]
) -> tuple[Body | None, Problem | None]:
    """The site integration ``item`` names (id first, then exact name), or why there is none."""
    ref = item.site_integration
    by_id = [s for s in sites if s.get("id") == ref]
    if by_id:
        return by_id[0], None
    by_name = [s for s in sites if s.get("name") == ref]
    if len(by_name) == 1:
        return by_name[0], None
    where = ("site_integration",)
    if by_name:
        ids = ", ".join(str(s.get("id")) for s in by_name)
        message = (
            f"site integration {ref!r} is ambiguous: {len(by_name)} site integrations "
            f"have that name ({ids})"
        )
        return None, item.document.problem(where, message, "use the 20-character id instead")
    names = sorted({str(s.get("name")) for s in sites})
    hint = _suggest(ref, names) or "use a site integration's exact name or 20-character id"
    return None, item.document.problem(where, f"unknown site integration {ref!r}", hint)


def _check(item: DesiredIntegration, sites: Sequence[Body], live: Body | None) -> list[Problem]:
    site, problem = resolve_site(item, sites)
    if site is None:
        return [problem] if problem else []
    problems = list(_check_live_site(item, site, live))
    problems.extend(_check_type(item, site, live))
    problems.extend(_check_credentials(item, site, live))
    problems.extend(_check_options(item, site, live))
    problems.extend(_check_complete(item, site, live))
    problems.extend(_check_ignore(item, site))
    return problems


def _check_ignore(item: DesiredIntegration, site: Body) -> Iterator[Problem]:
    """An ``ignore`` path must name an option or field the site integration has.

    The schema checks the form; only the catalog knows whether ``options.nope`` names
    anything, and a path that names nothing silently protects nothing.
    """
    valid = ["description", "enabled", "credentials", "options"]
    known: dict[str, set[str]] = {}
    for option in site.get("third_party_options") or []:
        option_id = str(option.get("id"))
        known[option_id] = {str(f.get("id")) for f in option.get("fields") or []}
        valid.append(f"options.{option_id}")
        valid += [f"options.{option_id}.{field_id}" for field_id in sorted(known[option_id])]
    for path in sorted(item.ignore):
        parts = path.split(".")
        if parts[0] != "options" or len(parts) == 1:
            continue
        option_fields = known.get(parts[1])
        if option_fields is not None and (len(parts) == 2 or parts[2] in option_fields):
            continue
        yield item.document.problem(
            ("ignore",),
            f"{item.name}: ignore path {path!r} names nothing {site.get('name')} has",
            f"paths it can manage: {', '.join(valid)}",
        )


def _check_type(item: DesiredIntegration, site: Body, live: Body | None) -> Iterator[Problem]:
    """A written ``type`` must be the site integration's ``integration_type``, in the catalog
    and in the live integration (the guide: confirm the type before relying on it)."""
    if item.type is None:
        return
    live_site = (live or {}).get("site_third_party_integration") or {}
    for where, body in (("site integration", site), ("the live integration's site", live_site)):
        if body is live_site and live_site.get("id") != site.get("id"):
            continue  # another site altogether: reported by _check_live_site
        have = integration_type(body)
        if have == item.type:
            continue
        shown = f"is of type {have!r}" if have else "has no integration_type"
        yield item.document.problem(
            ("type",),
            f"{item.name}: {where} {body.get('name')!r} ({body.get('id')}) {shown}, "
            f"not {item.type!r}",
            f"choose a site integration of type {item.type} ('reconciler catalog' lists "
            "them), or correct 'type'",
        )
        return


def _check_live_site(item: DesiredIntegration, site: Body, live: Body | None) -> Iterator[Problem]:
    live_site = (live or {}).get("site_third_party_integration") or {}
    if live is not None and live_site.get("id") and live_site.get("id") != site.get("id"):
        yield item.document.problem(
            ("site_integration",),
            f"{item.name!r} exists with site integration {live_site.get('name')!r} "
            f"({live_site.get('id')}), not {site.get('name')!r} ({site.get('id')})",
            "RevCent cannot change it: give the new integration another name",
        )


def _check_credentials(
    item: DesiredIntegration, site: Body, live: Body | None
) -> Iterator[Problem]:
    creds = item.credentials
    if creds is None:
        return
    site_name = site.get("name")
    expected = (site.get("third_party_credentials") or {}).get("id")
    if not expected:
        yield item.document.key_problem(
            ("credentials",),
            f"site integration {site_name!r} takes no credentials",
            "remove credentials",
        )
        return
    if creds.id != expected:
        yield item.document.problem(
            ("credentials", "id"),
            f"credential id {creds.id!r} does not match site integration {site_name!r}",
            f"use id: {expected}",
        )
        return
    if creds.secure_form:
        if item.manages("credentials"):
            yield from _check_secure_form(item, live)
        return
    if creds.external:
        if item.manages("credentials"):
            yield from _check_external(item, live)
        return
    known = _credential_fields(site)
    for field_id in creds.fields:
        if field_id not in known:
            hint = _suggest(field_id, list(known)) or f"fields of {expected}: {', '.join(known)}"
            yield item.document.key_problem(
                ("credentials", "fields", field_id),
                f"unknown credential field {field_id!r} for {site_name}",
                hint,
            )
    for field_id, required in known.items():
        if required and field_id not in creds.fields:
            yield item.document.key_problem(
                ("credentials", "fields"),
                f"missing credential field {field_id!r}, required by {site_name}",
                f"add {field_id}: {{env: NAME}} or {{file: PATH}}",
            )


def _check_external(item: DesiredIntegration, live: Body | None) -> Iterator[Problem]:
    assert item.credentials is not None
    cred_id = item.credentials.id
    hint = (
        "save them in RevCent (web UI or secure form) first, or list the credential fields "
        "here as {env: NAME} or {file: PATH}"
    )
    if live is None:
        message = (
            f"credentials {cred_id!r} are external, but {item.name!r} does not exist in RevCent"
        )
        yield item.document.problem(("credentials", "external"), message, hint)
    elif cred_id not in _saved_credentials(live):
        message = f"credentials {cred_id!r} are external, but RevCent has not saved them"
        yield item.document.problem(("credentials", "external"), message, hint)


def _check_secure_form(item: DesiredIntegration, live: Body | None) -> Iterator[Problem]:
    """Not an error while unsaved: a person fills the form after the integration exists."""
    assert item.credentials is not None
    cred_id = item.credentials.id
    hint = f"then run: reconciler credentials {item.name!r} {item.document.file}"
    if live is None:
        message = (
            f"credentials {cred_id!r} are collected by a secure form: {item.name!r} will be "
            "created without them, disabled"
        )
    elif cred_id not in _saved_credentials(live):
        message = f"credentials {cred_id!r} are collected by a secure form and are not saved yet"
        hint = f"run: reconciler credentials {item.name!r} {item.document.file}"
    else:
        return
    yield item.document.problem(("credentials", "secure_form"), message, hint, severity="note")


def _check_options(item: DesiredIntegration, site: Body, live: Body | None) -> Iterator[Problem]:
    site_name = site.get("name")
    options = {str(o.get("id")): o for o in site.get("third_party_options") or []}
    for option_id, fields in item.options.items():
        option = options.get(option_id)
        if option is None:
            hint = _suggest(option_id, list(options)) or (
                f"options of {site_name}: {', '.join(options)}"
                if options
                else f"{site_name} has no options; remove 'options'"
            )
            yield item.document.key_problem(
                ("options", option_id), f"unknown option {option_id!r} for {site_name}", hint
            )
            continue
        defs = {str(f.get("id")): f for f in option.get("fields") or []}
        for field_id, values in fields.items():
            definition = defs.get(field_id)
            if definition is None:
                hint = _suggest(field_id, list(defs)) or f"fields of {option_id}: {', '.join(defs)}"
                yield item.document.key_problem(
                    ("options", option_id, field_id),
                    f"unknown field {field_id!r} in option {option_id!r} of {site_name}",
                    hint,
                )
                continue
            yield from _check_values(item, option_id, field_id, definition, values, live)


def _check_values(
    item: DesiredIntegration,
    option_id: str,
    field_id: str,
    definition: Body,
    values: tuple[str, ...],
    live: Body | None,
) -> Iterator[Problem]:
    path: PathKey = ("options", option_id, field_id)
    label = f"option field '{option_id}.{field_id}'"
    select = definition.get("field_type") == "select"
    settings = definition.get("select_settings") or {}
    if not (select and settings.get("multiple")) and len(values) != 1:
        yield item.document.problem(
            path,
            f"{label} takes exactly one value, not {len(values)}",
            "it is not a multiple select: keep one value",
        )
    if not select:
        return
    if not settings.get("third_party_asset"):
        choices = [str(c) for c in settings.get("options") or []]
        for index, value in enumerate(values):
            if value not in choices:
                hint = _suggest(value, choices) or f"choose from: {', '.join(choices)}"
                yield item.document.problem(
                    _value_path(item, path, index), f"{value!r} is not a choice of {label}", hint
                )
        return
    offered = _offered_assets(item, live, option_id, field_id)
    if offered is None:
        yield item.document.problem(
            path,
            f"{label} is a third-party asset: its value will be checked after credentials "
            "are saved",
            "RevCent lists the assets of the provider account once it can reach it",
            severity="note",
        )
        return
    for index, value in enumerate(values):
        if value not in offered:
            hint = (
                f"choose from the assets RevCent lists: {', '.join(offered)}"
                if offered
                else "RevCent lists none: check the credentials saved for this integration"
            )
            yield item.document.problem(
                _value_path(item, path, index),
                f"{value!r} is not among the assets RevCent lists for {label}",
                hint,
            )


def _offered_assets(
    item: DesiredIntegration, live: Body | None, option_id: str, field_id: str
) -> list[str] | None:
    """The asset values the live Get lists, or None when they cannot be known yet.

    Unknown while the integration does not exist, has no saved credentials, or is about to
    get credentials it does not have (which may see other assets).
    """
    if live is None:
        return None
    saved = _saved_credentials(live)
    creds = item.credentials
    if not saved or (creds is not None and creds.sent and creds.id not in saved):
        return None
    site = live.get("site_third_party_integration") or {}
    for option in site.get("third_party_options") or []:
        if option.get("id") == option_id:
            for definition in option.get("fields") or []:
                if definition.get("id") == field_id:
                    settings = definition.get("select_settings") or {}
                    return [str(v) for v in settings.get("options") or []]
    return None


def _check_complete(item: DesiredIntegration, site: Body, live: Body | None) -> Iterator[Problem]:
    """Enabling needs saved credentials and every required option and field set."""
    if item.enabled is not True or not item.manages("enabled"):
        return
    missing: list[str] = []
    cred_id = (site.get("third_party_credentials") or {}).get("id")
    creds = item.credentials
    will_save = creds is not None and creds.sent and item.manages("credentials")
    # unsaved external: reported already; unsaved secure form: enabling waits for it
    external = creds is not None and not creds.sent
    if cred_id and not will_save and not external and cred_id not in _saved_credentials(live):
        missing.append("credentials")
    saved = _saved_options(live)
    for option in site.get("third_party_options") or []:
        option_id = str(option.get("id"))
        values = {
            str(f.get("id")): _effective(item, saved, option_id, str(f.get("id")))
            for f in option.get("fields") or []
        }
        if not any(values.values()):
            if option.get("required"):
                missing.append(f"options.{option_id}")
            continue
        for definition in option.get("fields") or []:
            if definition.get("required") and not values[str(definition.get("id"))]:
                missing.append(f"options.{option_id}.{definition.get('id')}")
    if missing:
        yield item.document.problem(
            ("enabled",),
            f"cannot enable {item.name!r} while it is incomplete: {', '.join(missing)} not set",
            "set them in this file, or set enabled: false until they are",
        )


def _effective(
    item: DesiredIntegration,
    saved: Mapping[str, Mapping[str, tuple[str, ...]]],
    option_id: str,
    field_id: str,
) -> tuple[str, ...]:
    """The values a field will have: the file's if it manages the field, else the saved ones."""
    if item.manages(f"options.{option_id}.{field_id}"):
        return item.options[option_id][field_id]
    return saved.get(option_id, {}).get(field_id, ())


def _saved_credentials(live: Body | None) -> set[str]:
    return {str(c) for c in (live or {}).get("third_party_credentials_saved") or []}


def _saved_options(live: Body | None) -> dict[str, dict[str, tuple[str, ...]]]:
    saved: dict[str, dict[str, tuple[str, ...]]] = {}
    for option in (live or {}).get("third_party_options_saved") or []:
        fields = saved.setdefault(str(option.get("id")), {})
        for entry in option.get("fields") or []:
            fields[str(entry.get("id"))] = tuple(str(v) for v in entry.get("value") or [])
    return saved


def _credential_fields(site: Body) -> dict[str, bool]:
    """Credential field id -> required, in the catalog's order."""
    fields = (site.get("third_party_credentials") or {}).get("fields") or []
    return {str(f.get("id")): bool(f.get("required")) for f in fields}


def _value_path(item: DesiredIntegration, path: PathKey, index: int) -> PathKey:
    """The YAML node of one value: the list item if a list was written, else the scalar."""
    written: Any = item.document.data
    for key in path:
        written = written.get(key) if isinstance(written, dict) else None
    return (*path, index) if isinstance(written, list) else path


def _suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1) or [
        c for c in candidates if c.lower() == word.lower()
    ]
    return f"did you mean {close[0]!r}?" if close else ""
