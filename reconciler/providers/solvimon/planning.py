"""Desired vs live for one Solvimon integration: the field diff and the ordered steps.

Why this order: every field goes in one PATCH first, and ``status`` changes last, through
activate, deprecate or archive (never the PATCH body), like RevCent's "enable last": an
integration becomes ACTIVE only once its settings are saved, and an ARCHIVED one is read-only,
so archiving must come after the last edit. Deprecating or archiving last also means a
retired integration's final settings are the ones the YAML shows.

Why a connection test before activating (``connection.py``): it changes nothing, so it goes as
early as it can: first in an update (a failure leaves the integration untouched), right after
the create in a create (the executor sends a create's first step as the create). Its failure
fails the integration and skips its remaining steps, so it is never activated.

Why the PATCH body holds more than what changed: Solvimon's update docs require
``reference``, ``name``, ``description``, ``type`` and ``linked_resources_configurations``,
and neither they nor the spec say whether an object sent is merged or replaced. So the body
carries those five (desired laid over live) and every changed object in full (desired laid
over live), which is right under either reading. Secrets are sent on create, when Solvimon
holds none for a field, or on ``--rotate-credentials``; otherwise they are left out, and a
secret left out of a sent object keeps its saved value.
"""

from __future__ import annotations

from typing import Any

from reconciler.errors import PlanError
from reconciler.plan import ID_PLACEHOLDER, Action, Change, FieldChange, Risk, Step
from reconciler.providers.base import PlanOptions
from reconciler.providers.solvimon.catalog_checks import CREATED_AS, status_actions
from reconciler.providers.solvimon.connection import connection_step
from reconciler.providers.solvimon.descriptor import KIND, PROVIDER
from reconciler.providers.solvimon.desired import DesiredSolvimonIntegration
from reconciler.providers.solvimon.fields import (
    OBJECTS,
    differences,
    drop_secrets,
    lookup,
    merge,
    secret_paths_in,
    secret_set,
)

BASE = "/v1/integrations"
ITEM = BASE + "/" + ID_PLACEHOLDER
CREATE = "postIntegrations"
UPDATE = "patchIntegrationsByResourceId"
# action (the path's last segment) -> (the spec's operation, the status it leaves)
STATUS_ACTIONS = {
    "activate": ("postIntegrationsByResourceIdActivate", "ACTIVE"),
    "deprecate": ("postIntegrationsByResourceIdDeprecate", "DEPRECATED"),
    "archive": ("postIntegrationsByResourceIdArchive", "ARCHIVED"),
}
ACTION_SETTING = {status: action for action, (_, status) in STATUS_ACTIONS.items()}
LINKED = "linked_resources_configurations"


def diff_fields(
    desired: DesiredSolvimonIntegration, live: dict[str, Any] | None, *, rotate: bool
) -> list[FieldChange]:
    """Managed fields that differ, ``status`` last (it changes last).

    The two sides as the shared field diff compares them: what the YAML writes, in plan
    order, and the live body with its status as planning reads it (unset: DRAFT).
    """
    wanted: dict[str, Any] = {}
    if live is not None:
        wanted["reference"] = desired.key  # a create takes it from the YAML: never a change
    wanted["name"] = desired.display_name
    if desired.description is not None:
        wanted["description"] = desired.description
    wanted["type"] = desired.type
    for key in OBJECTS:
        if key in desired.settings:
            wanted[key] = desired.settings[key]
    if desired.linked is not None:
        wanted[LINKED] = list(desired.linked)
    have: dict[str, Any] = {}
    if live is not None:
        have = {**live, "status": str(live.get("status") or CREATED_AS)}
    if desired.status is not None:
        wanted["status"] = desired.status
    return differences(wanted, have if live is not None else None, rotate=rotate)


def plan_change(
    desired: DesiredSolvimonIntegration, live: dict[str, Any] | None, options: PlanOptions
) -> Change:
    """The change for one integration; refusals were found before by ``catalog_checks``."""
    rotate = options.rotates(desired.key, PROVIDER)
    fields = diff_fields(desired, live, rotate=rotate)
    source = str(desired.document.location())
    current = str((live or {}).get("status") or CREATED_AS)
    actions, reason = status_actions(current, desired.status, new=live is None)
    if reason:
        raise PlanError(
            desired.document.problem(
                ("status",), f"{desired.key}: cannot make the status {desired.status}: {reason}"
            )
        )
    test, untested = connection_step(desired, live) if "activate" in actions else (None, "")
    tested = [test] if test is not None else []
    if live is None:
        body = create_body(desired)
        steps = [Step(CREATE, "POST", BASE, body, "high", "create (DRAFT)", intent="create")]
        steps += tested
        steps += [_status_step(action, ITEM) for action in actions]
        notes: tuple[str, ...] = ()
        if not desired.status:
            notes = ("created DRAFT: the YAML does not manage 'status'",)
        notes += (untested,) if untested else ()
        return Change(
            PROVIDER, KIND, desired.key, None, "create", source, tuple(fields), tuple(steps), notes
        )
    edited = [f for f in fields if f.path != "status"]
    if edited and current == "ARCHIVED":
        raise PlanError(
            desired.document.problem(
                (),
                f"{desired.key}: an ARCHIVED integration cannot be updated",
                "write it as it is, or give a new integration another reference",
            )
        )
    path = ITEM.replace(ID_PLACEHOLDER, str(live["id"]))
    steps = list(tested)
    if edited:
        risk: Risk = "high" if any(f.risk == "high" for f in edited) else "low"
        body = patch_body(desired, live, edited, rotate=rotate)
        steps.append(
            Step(
                UPDATE,
                "PATCH",
                path,
                body,
                risk,
                "update: the five required fields, and each changed object in full",
                intent="update",
            )
        )
    steps += [_status_step(action, path) for action in actions]
    action: Action = "update" if steps else "noop"
    return Change(
        PROVIDER,
        KIND,
        desired.key,
        str(live["id"]),
        action,
        source,
        tuple(fields) if steps else (),
        tuple(steps),
        (untested,) if untested and steps else (),
        retires=any(f.path == "status" and f.after in RETIRED for f in fields),
    )


RETIRED = ("DEPRECATED", "ARCHIVED")


def create_body(desired: DesiredSolvimonIntegration) -> dict[str, Any]:
    """Everything the YAML writes, secrets as references; never ``status``."""
    body: dict[str, Any] = {"reference": desired.key, "name": desired.display_name}
    if desired.description is not None:
        body["description"] = desired.description
    body["type"] = desired.type
    for key in OBJECTS:
        if key in desired.settings:
            body[key] = merge(desired.settings[key], None, (key,))
    if desired.linked is not None:
        body[LINKED] = merge(list(desired.linked), None, (LINKED,))
    return body


def patch_body(
    desired: DesiredSolvimonIntegration,
    live: dict[str, Any],
    edited: list[FieldChange],
    *,
    rotate: bool,
) -> dict[str, Any]:
    """The five required fields, then every object with a changed field, each in full."""
    described = desired.description is not None
    linked = live.get(LINKED) or []
    if desired.linked is not None:
        linked = merge(list(desired.linked), linked, (LINKED,))
    body: dict[str, Any] = {
        "reference": desired.key,
        "name": desired.display_name,
        "description": desired.description if described else live.get("description") or "",
        "type": live.get("type"),
        LINKED: linked,
    }
    changed = {f.path.split(".")[0].split("[")[0] for f in edited}
    for key in OBJECTS:
        if key not in changed:
            continue
        wanted = desired.settings[key]
        send = {
            p for p in secret_paths_in(wanted, (key,)) if rotate or not secret_set(lookup(live, p))
        }
        body[key] = drop_secrets(merge(wanted, live.get(key), (key,)), send, (key,))
    return body


def _status_step(action: str, path: str) -> Step:
    operation, status = STATUS_ACTIONS[action]
    purpose = f"{action} last"
    return Step(
        operation, "POST", f"{path}/{action}", {}, "high", purpose, intent="status", target=status
    )
