"""Desired vs live for one RevCent integration: the field diff and the ordered Edit steps.

Why this order: the vendor's guide (seed 002) says create disabled, save options, verify, enable
last, and keep risky edits apart. So an update is at most five separate Edits — disable, then
name/description, then credentials, then options, then enable — each holding only what changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from reconciler.errors import PlanError, Problem
from reconciler.fielddiff import diff, dotted, field_change
from reconciler.plan import ID_PLACEHOLDER, Action, Change, FieldChange, Step
from reconciler.providers.base import PlanOptions
from reconciler.providers.revcent.client import USER_PATH
from reconciler.providers.revcent.descriptor import KIND, PROVIDER
from reconciler.providers.revcent.fields import FIELDS, catalog_fields, live_view
from reconciler.providers.revcent.state import (
    Catalog,
    LiveIntegration,
    OptionValues,
    norm_text,
    options_body,
)
from reconciler.providers.revcent.types import dependents, disable_note, integration_type

if TYPE_CHECKING:
    from reconciler.providers.revcent.desired import DesiredIntegration

CREATE = "CreateUserThirdPartyIntegration"
EDIT = "EditUserThirdPartyIntegration"
EDIT_PATH = USER_PATH + "/{id}"


def manages(desired: DesiredIntegration, path: str) -> bool:
    """False when ``path`` or one of its parents is listed under ``ignore``."""
    ignore = desired.ignore
    return not ignore or not any(path == i or path.startswith(i + ".") for i in ignore)


def desired_options(desired: DesiredIntegration) -> OptionValues:
    """The option values the YAML manages (ignored ones left out), trimmed, duplicates dropped."""
    out: OptionValues = {}
    for option_id, fields in desired.options.items():
        if not manages(desired, f"options.{option_id}"):
            continue
        for field_id, values in fields.items():
            if manages(desired, f"options.{option_id}.{field_id}"):
                cleaned = [norm_text(v) or "" for v in values]
                out.setdefault(option_id, {})[field_id] = tuple(dict.fromkeys(cleaned))
    return out


def display(values: tuple[str, ...] | None, multiple: bool) -> Any:
    """How an option value reads in a plan: a list for multi-selects, else one string."""
    if not values:
        return None
    return sorted(values) if multiple else (values[0] if len(values) == 1 else list(values))


def diff_fields(
    desired: DesiredIntegration, live: LiveIntegration | None, catalog: Catalog
) -> tuple[list[FieldChange], OptionValues]:
    """Managed fields that differ, and the desired option values (for the merged body)."""
    wanted = desired_options(desired)
    want: dict[str, Any] = {"name": desired.name}
    if desired.description is not None:
        want["description"] = desired.description
    if desired.enabled is not None:
        want["enabled"] = desired.enabled
    want["options"] = wanted
    fields = catalog_fields(catalog) if wanted else FIELDS  # only options need the catalog
    changes = []
    for d in diff(want, live_view(live), fields, exclude=_ignored(desired)):
        if d.path[0] == "options":
            multiple = fields.get(d.path).set_like
            before, after = display(d.before, multiple), display(d.after, multiple)
            changes.append(FieldChange(dotted(d.path), before, after, d.risk))
        else:
            changes.append(field_change(d))
    return changes, wanted


def _ignored(desired: DesiredIntegration) -> tuple[tuple[str, ...], ...]:
    """The ``ignore`` list as paths (its entries name no option id with a dot: the schema)."""
    return tuple(tuple(i.split(".")) for i in desired.ignore) if desired.ignore else ()


def plan_change(
    desired: DesiredIntegration,
    live: LiveIntegration | None,
    site: Catalog,
    options: PlanOptions,
    live_fingerprint: str | None = None,
) -> Change:
    """The change for one integration (``live_fingerprint``: of ``live``, kept in the change).

    Refusals (unknown ids, assets not offered, enabling while incomplete, external
    credentials not saved) are found before, by ``catalog_checks`` on the same live state.
    """
    catalog = live.catalog if live is not None else site
    doc = desired.document
    notes: list[str] = []
    fields, wanted = diff_fields(desired, live, catalog)
    waiting = waits_for_secure_form(desired, live)
    if waiting:
        fields, wanted = _defer_until_saved(desired, live, catalog, fields, wanted, notes)

    creds_body, creds_change = _credentials(desired, live, options)
    if creds_change is not None:
        fields.append(creds_change)

    option_changes = [f for f in fields if f.path.startswith("options.")]
    merged = _merge(live.options if live else {}, wanted)
    recheck = False
    if option_changes:
        recheck = _assets_checked_later(live, catalog, wanted, creds_body is not None)
        problems = list(
            _refuse_merged(desired, live, catalog, merged, wanted, creds_body is not None)
        )
        if problems:
            raise PlanError(problems)
        if recheck:
            notes.append(
                "asset values are checked against the assets RevCent lists once the "
                "credentials are saved, before the options are sent"
            )

    enabling = desired.enabled is True and manages(desired, "enabled")
    enabling = enabling and (live is None or not live.enabled) and not waiting

    if live is None:
        steps = _create_steps(
            desired, site, creds_body, merged if option_changes else None, recheck, enabling
        )
        if desired.enabled is None and not waiting:
            notes.append("created disabled: the YAML does not manage 'enabled'")
        change = Change(
            PROVIDER,
            KIND,
            desired.name,
            None,
            "create",
            str(doc.location()),
            tuple(fields),
            tuple(steps),
            tuple(notes),
        )
        return change

    steps = _update_steps(
        desired, live, fields, creds_body, merged if option_changes else None, recheck, catalog
    )
    action: Action = "update" if steps else "noop"
    retires = any(s.body.get("enabled") is False for s in steps)
    kind = integration_type(catalog.site) or integration_type(site.site)
    if retires:
        # The guide: before disabling, consider the features that use the integration.
        notes.append(disable_note(kind))
    change = Change(
        PROVIDER,
        KIND,
        desired.name,
        live.id,
        action,
        str(doc.location()),
        tuple(fields) if steps else (),
        tuple(steps),
        tuple(notes) if steps or waiting else (),  # unsaved form credentials: always said
        live_fingerprint=live_fingerprint,
        retires=retires,
        affects=dependents(kind) if retires else (),
    )
    return change


def waits_for_secure_form(desired: DesiredIntegration, live: LiveIntegration | None) -> bool:
    """Whether the YAML's credentials come from a secure form that is not saved yet."""
    creds = desired.credentials
    if creds is None or not creds.secure_form or not manages(desired, "credentials"):
        return False
    return live is None or creds.id not in live.credentials_saved


def _defer_until_saved(
    desired: DesiredIntegration,
    live: LiveIntegration | None,
    catalog: Catalog,
    fields: list[FieldChange],
    wanted: OptionValues,
    notes: list[str],
) -> tuple[list[FieldChange], OptionValues]:
    """Leave out what needs the form's credentials: options holding asset values (RevCent
    lists assets only once credentials are saved) and enabling; say so, and what to run."""
    assert desired.credentials is not None
    cred_id = desired.credentials.id
    command = f"reconciler credentials {desired.name!r} {desired.document.file}"
    if live is None:
        notes.append(
            f"credentials {cred_id!r} are collected by a secure form: created without them, "
            f"disabled; next step: {command}, then apply again"
        )
    else:
        notes.append(
            f"credentials {cred_id!r} are collected by a secure form and are not saved yet; "
            f"next step: {command}, then apply again"
        )
    deferred_options = {
        option_id
        for option_id, values in wanted.items()
        if any(catalog.is_asset(option_id, field_id) for field_id in values)
    }
    kept = {o: f for o, f in wanted.items() if o not in deferred_options}
    waiting: list[str] = []
    out: list[FieldChange] = []
    for change in fields:
        option_id = change.path.split(".")[1] if change.path.startswith("options.") else None
        if (option_id is not None and option_id in deferred_options) or (
            change.path == "enabled" and change.after is True
        ):
            waiting.append(change.path)
        else:
            out.append(change)
    if waiting:
        notes.append(f"waits for the credentials: {', '.join(waiting)}")
    return out, kept


def _credentials(
    desired: DesiredIntegration,
    live: LiveIntegration | None,
    options: PlanOptions,
) -> tuple[dict[str, Any] | None, FieldChange | None]:
    """The ``third_party_credentials`` body to send (None: send nothing) and its field change.

    Sent on create, when RevCent lacks the credential id, or on a rotation the user asked for;
    never for external credentials (a person saved them), and never just because: a changed
    secret cannot be seen by reading.
    """
    creds = desired.credentials
    if creds is None or not creds.sent or not manages(desired, "credentials"):
        return None, None
    rotate = options.rotates(desired.name, PROVIDER)
    found = diff({"credentials": {creds.id: creds}}, live_view(live), FIELDS, rotate=rotate)
    if not found:
        return None, None
    body = {"id": creds.id, "fields": [{"id": k, "value": v} for k, v in creds.fields.items()]}
    return body, field_change(found[0])


def _merge(live: Mapping[str, Mapping[str, tuple[str, ...]]], wanted: OptionValues) -> OptionValues:
    """The complete option set to send: live saved values with the desired ones laid over."""
    merged: OptionValues = {o: dict(fields) for o, fields in live.items()}
    for option_id, fields in wanted.items():
        merged.setdefault(option_id, {}).update(fields)
    return merged


def _refuse_merged(
    desired: DesiredIntegration,
    live: LiveIntegration | None,
    catalog: Catalog,
    merged: OptionValues,
    wanted: OptionValues,
    new_credentials: bool,
) -> Iterator[Problem]:
    """What RevCent would refuse in the complete option set about to be sent.

    The set holds live values the YAML does not write (RevCent replaces the whole set), so a
    required field left empty, or a saved asset the account no longer offers, would fail the
    Edit half-way: refuse it now, naming the option and how to fix the YAML.
    """
    doc = desired.document
    for option_id, values in merged.items():
        option = catalog.option(option_id)
        if option is None:
            continue
        for definition in option.get("fields") or []:
            field_id = str(definition.get("id"))
            given = values.get(field_id, ())
            if definition.get("required") and not any(v != "" for v in given):
                yield doc.problem(
                    ("options", option_id) if option_id in desired.options else ("options",),
                    f"{desired.name}: option {option_id!r} needs its required field "
                    f"{field_id!r}, which is not set (RevCent refuses the whole option set)",
                    f"set options.{option_id}.{field_id} in the YAML",
                )
    # Saved asset values sent again from live: knowable only while the saved credentials stay.
    if live is None or new_credentials or not live.credentials_saved:
        return
    for option_id, values in merged.items():
        for field_id, given in values.items():
            if field_id in wanted.get(option_id, {}) or not catalog.is_asset(option_id, field_id):
                continue
            offered = catalog.assets(option_id, field_id)
            stale = [v for v in given if v not in offered]
            if stale:
                now = ", ".join(offered) if offered else "none"
                yield doc.problem(
                    ("options",) if desired.options else (),
                    f"{desired.name}: the saved value {', '.join(map(repr, stale))} of "
                    f"options.{option_id}.{field_id} is no longer offered by the account "
                    f"(assets now: {now}); any option change resends it and RevCent would "
                    "refuse it",
                    f"set options.{option_id}.{field_id} in the YAML to one of: {now}",
                )


def _assets_checked_later(
    live: LiveIntegration | None,
    catalog: Catalog,
    wanted: OptionValues,
    credentials_change: bool,
) -> bool:
    """True when an asset value is sent but RevCent cannot list the assets before the step:
    the integration is new, has no saved credentials, or gets new ones first."""
    uses_assets = any(
        catalog.is_asset(option_id, field_id)
        for option_id, fields in wanted.items()
        for field_id in fields
    )
    return uses_assets and (live is None or credentials_change or not live.credentials_saved)


def _create_steps(
    desired: DesiredIntegration,
    site: Catalog,
    creds_body: dict[str, Any] | None,
    merged: OptionValues | None,
    recheck: bool,
    enabling: bool,
) -> list[Step]:
    body: dict[str, Any] = {"name": desired.name}
    if desired.description is not None and manages(desired, "description"):
        body["description"] = desired.description
    body["site_third_party_integration"] = site.site_id
    if creds_body is not None:
        body["third_party_credentials"] = creds_body
    body["enabled"] = False
    steps = [Step(CREATE, "POST", USER_PATH, body, "high", "create, disabled", intent="create")]
    if merged:
        steps.append(
            Step(
                EDIT,
                "POST",
                EDIT_PATH,
                {"third_party_options": options_body(merged, site)},
                "high",
                "save options",
                intent="options",
                recheck=recheck,
            )
        )
    if enabling:
        steps.append(_status(EDIT_PATH, enabled=True))
    return steps


def _update_steps(
    desired: DesiredIntegration,
    live: LiveIntegration,
    fields: list[FieldChange],
    creds_body: dict[str, Any] | None,
    merged: OptionValues | None,
    recheck: bool,
    catalog: Catalog,
) -> list[Step]:
    path = EDIT_PATH.replace(ID_PLACEHOLDER, live.id)
    changed = {f.path: f for f in fields}
    steps: list[Step] = []
    if "enabled" in changed and changed["enabled"].after is False:
        steps.append(_status(path, enabled=False))
    text: dict[str, Any] = {k: changed[k].after for k in ("name", "description") if k in changed}
    if text:
        steps.append(Step(EDIT, "POST", path, text, "low", "rename / describe", intent="update"))
    if creds_body is not None:
        steps.append(
            Step(
                EDIT,
                "POST",
                path,
                {"third_party_credentials": creds_body},
                "high",
                "save credentials",
                intent="credentials",
            )
        )
    if merged is not None:
        steps.append(
            Step(
                EDIT,
                "POST",
                path,
                {"third_party_options": options_body(merged, catalog)},
                "high",
                "save options",
                intent="options",
                recheck=recheck,
            )
        )
    if "enabled" in changed and changed["enabled"].after is True:
        steps.append(_status(path, enabled=True))
    return steps


def _status(path: str, *, enabled: bool) -> Step:
    """The Edit that enables (always last) or disables (always first) an integration."""
    purpose = "enable last" if enabled else "disable first"
    target = "enabled" if enabled else "disabled"
    body = {"enabled": enabled}
    return Step(EDIT, "POST", path, body, "high", purpose, intent="status", target=target)
