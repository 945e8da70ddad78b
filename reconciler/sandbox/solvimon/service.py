"""The Solvimon account: create, update, delete, status operations, get and list integrations,
with every rule of ``rules.py`` applied.

Why a layer between HTTP and SQLite: the routes and the demo seeding both go
through it, so no way of writing an integration can skip a rule.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from reconciler.sandbox.ids import new_id
from reconciler.sandbox.solvimon import rules
from reconciler.sandbox.solvimon.errors import SolvimonFailure, invalid, not_found, operation
from reconciler.sandbox.solvimon.store import ReferenceTaken, SolvimonStore
from reconciler.sandbox.store import Store

OBJECTS = ("authentication", *rules.TYPE_OBJECTS.values())
# The order a Get shows an integration's keys in (absent objects are left out).
ORDER = (
    "object_type",
    "id",
    "reference",
    "name",
    "description",
    "type",
    "status",
    "message",
    *OBJECTS,
    "linked_resources_configurations",
)
# Called with the record about to be stored by an update and the update's body; returns True
# if it stored something else than was sent (the alter fault).
Alteration = Callable[[dict[str, Any], dict[str, Any]], bool]


def new_integration_id() -> str:
    return "intg_" + new_id()


def view(rec: dict[str, Any]) -> dict[str, Any]:
    """An ``Integration`` as a Get shows it: secrets masked, keys in a stable order."""
    shown = rules.masked(rec)
    return {key: shown[key] for key in ORDER if key in shown}


class SolvimonService:
    """Solvimon integrations of one sandbox account."""

    def __init__(self, store: Store):
        self.db = SolvimonStore(store)

    def create(self, body: Any) -> dict[str, Any]:
        body = rules.check_body("create", body)
        status = body.get("status")
        if status not in rules.CREATE_STATUSES:
            raise invalid(
                "status",
                "status: a new integration is DRAFT or ACTIVE; then use activate, deprecate "
                "or archive",
            )
        rec: dict[str, Any] = {
            "object_type": "integration",
            "id": new_integration_id(),
            "reference": body["reference"],
            "name": body.get("name", ""),
            "description": body.get("description", ""),
            "type": body["type"],
            "status": status or "DRAFT",
            "message": None,
            "linked_resources_configurations": copy.deepcopy(
                body.get("linked_resources_configurations", [])
            ),
        }
        for key in OBJECTS:
            if key in body:
                rec[key] = copy.deepcopy(body[key])
        rules.check_objects(rec)
        if rec["status"] == "ACTIVE":
            _refuse_incomplete(rec)
        self._claim(rec["reference"], None)
        self._write(self.db.insert, rec)
        return view(rec)

    def update(
        self, integration_id: str, body: Any, *, alter: Alteration | None = None
    ) -> dict[str, Any]:
        """PATCH: the five required fields and each object sent replace the saved ones; a
        secret left out of a sent object keeps its saved value."""
        current = self._record(integration_id)
        body = rules.check_body("update", body)
        if current["status"] == "ARCHIVED":
            raise operation("an ARCHIVED integration cannot be updated", rid=integration_id)
        if body["type"] != current["type"]:
            raise operation(
                f"type: an integration's type cannot change (it is {current['type']})",
                field="type",
                rid=integration_id,
            )
        if body.get("status") not in (None, current["status"]):
            raise operation(
                f"status: change it with activate, deprecate or archive (it is "
                f"{current['status']})",
                field="status",
                rid=integration_id,
            )
        rec = copy.deepcopy(current)
        for key in rules.UPDATE_REQUIRED:
            rec[key] = copy.deepcopy(body[key])
        for key in OBJECTS:
            if key in body:
                rec[key] = copy.deepcopy(body[key])
        rules.keep_omitted_secrets(current, rec)
        rules.check_objects(rec)
        self._claim(rec["reference"], integration_id)
        if alter is not None:
            alter(rec, body)
        self._write(self.db.update, rec)
        return view(rec)

    def change_status(self, integration_id: str, action: str) -> dict[str, Any]:
        """``activate``, ``deprecate`` or ``archive``; repeating one is harmless."""
        rec = self._record(integration_id)
        target = rules.transition(rec, action)
        if rec["status"] != target:
            rec["status"] = target
            self.db.update(rec)
        return view(rec)

    def delete(self, integration_id: str) -> dict[str, Any]:
        rec = self._record(integration_id)
        self.db.delete(integration_id)
        return view(rec)

    def get(self, integration_id: str) -> dict[str, Any]:
        return view(self._record(integration_id))

    def list_page(
        self, limit: int, page: int, order_by: str = "created_at", descending: bool = False
    ) -> tuple[list[dict[str, Any]], int]:
        """One page (from 1) and the number of pages."""
        total = self.db.count()
        items = self.db.page(limit, (page - 1) * limit, order_by, descending)
        return [view(r) for r in items], math.ceil(total / limit)

    def _record(self, integration_id: str) -> dict[str, Any]:
        rec = self.db.get(integration_id)
        if rec is None:
            raise not_found(integration_id)
        return rec

    def _claim(self, reference: str, owner: str | None) -> None:
        if self.db.reference_owner(reference) not in (None, owner):
            raise _taken(reference)

    def _write(self, write: Callable[[dict[str, Any]], None], rec: dict[str, Any]) -> None:
        # The unique index is the real guard; the early check only gives a clearer message.
        try:
            write(rec)
        except ReferenceTaken:
            raise _taken(rec["reference"]) from None


def _taken(reference: str) -> SolvimonFailure:
    return SolvimonFailure(
        409,
        "RESOURCE_ALREADY_EXISTS",
        f"reference: another integration already has reference '{reference}'",
        field="reference",
    )


def _refuse_incomplete(rec: dict[str, Any]) -> None:
    reasons = rules.incomplete_reasons(rec)
    if reasons:
        raise operation(f"cannot activate an incomplete integration: {'; '.join(reasons)}")
