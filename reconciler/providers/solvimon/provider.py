"""The Solvimon provider: reads, plans, sends, verifies and exports integrations.

Why a thin glue module: the rules live in ``planning``, ``fields`` and ``catalog_checks``, the
wire in ``client``; this class answers the core's ``Provider`` protocol with them.

Reading: Solvimon's list returns complete objects, so a plan reads the list only, and
``get_live`` serves each listed body once from that cache. After any write it really GETs:
the executor's read-back must see what the server stored, never what it listed before.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.errors import (
    ApiError,
    ConfigError,
    Problem,
    RateLimited,
    RequestRejected,
    TransportError,
)
from reconciler.executor import resolve_secrets
from reconciler.http import ApiSettings
from reconciler.model import Document
from reconciler.plan import Change, FieldChange, Step
from reconciler.providers.base import Adopts, LiveRef, Mismatch, PlanOptions, Provider
from reconciler.providers.paging import ListedPage, PagedListing
from reconciler.providers.solvimon import catalog_checks
from reconciler.providers.solvimon import desired as desired_module
from reconciler.providers.solvimon.client import SolvimonClient
from reconciler.providers.solvimon.connection import (
    WRAP,
    ConnectionTestFailed,
    connection_step,
    outcome,
    query_of,
)
from reconciler.providers.solvimon.descriptor import DESCRIPTOR, KIND
from reconciler.providers.solvimon.desired import DesiredSolvimonIntegration
from reconciler.providers.solvimon.discovery import SolvimonDiscovery
from reconciler.providers.solvimon.fields import (
    OBJECTS,
    SAVED,
    TYPE_OBJECTS,
    norm,
    read_back_mismatches,
    without_secrets,
)
from reconciler.providers.solvimon.planning import (
    ACTION_SETTING,
    CREATE,
    LINKED,
    diff_fields,
    plan_change,
)
from reconciler.ratelimit import RateLimiter

ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS"


class SolvimonProvider:
    """Solvimon integrations of one account (one API key; ``x-platform-id`` if configured)."""

    name = DESCRIPTOR.name
    kinds = DESCRIPTOR.kind_names

    def __init__(self, settings: ApiSettings, *, limiter: RateLimiter | None = None):
        self.client = SolvimonClient(settings, limiter=limiter)
        self._lock = threading.Lock()
        self._listed: dict[str, dict[str, Any]] = {}  # id -> body, served once by get_live
        self._keys: dict[int, tuple[Step, str]] = {}  # id(step) -> (step, Idempotency-Key)

    def close(self) -> None:
        self.client.close()

    # -- desired state --------------------------------------------------------------------
    def parse(self, document: Document) -> DesiredSolvimonIntegration:
        return desired_module.from_document(document)

    def discovery(self) -> SolvimonDiscovery:
        """Read-only discovery: the integration types, their fields, the default mandates."""
        return SolvimonDiscovery(self)

    # -- reading --------------------------------------------------------------------------
    def list_live(self) -> PagedListing:
        # The list holds whole bodies: kept for get_live, which then sends nothing.
        def fetch(page: int) -> ListedPage:
            data, pages = self.client.list_page(page)
            with self._lock:
                self._listed.update((body["id"], body) for body in data)
            refs = [LiveRef(body["id"], body["reference"]) for body in data]
            return ListedPage(refs, more=bool(data) and page < pages, pages=pages)

        return PagedListing(fetch, self.client.guard())

    def get_live(self, object_id: str) -> dict[str, Any]:
        with self._lock:
            body = self._listed.pop(object_id, None)
        return body if body is not None else self.client.get_integration(object_id)

    # -- planning and checking ------------------------------------------------------------
    def check_live(
        self, desired: Sequence[DesiredSolvimonIntegration], live: Mapping[str, dict[str, Any]]
    ) -> list[Problem]:
        problems = catalog_checks.check_live(desired, live)
        for item in desired:
            body = live.get(item.key) if isinstance(item, DesiredSolvimonIntegration) else None
            if body is None or body.get("status") != "ARCHIVED":
                continue
            edited = [f.path for f in diff_fields(item, body, rotate=False) if f.path != "status"]
            if edited:
                problems.append(
                    item.document.problem(
                        (),
                        f"{item.key}: an ARCHIVED integration cannot be updated "
                        f"({', '.join(edited)} would change)",
                        "write it as it is, or give a new integration another reference",
                    )
                )
        return sorted(problems)

    def plan_change(
        self,
        desired: DesiredSolvimonIntegration,
        live: dict[str, Any] | None,
        options: PlanOptions,
    ) -> Change:
        change = plan_change(desired, live, options)
        if live is not None:
            change = replace(change, live_fingerprint=self.fingerprint(live))
        return change

    def drift(self, desired: DesiredSolvimonIntegration, live: dict[str, Any]) -> list[FieldChange]:
        """Managed fields that differ, as planning compares them; a secret Solvimon no longer
        holds reads ``(not saved)`` → ``(saved)``."""
        fields = diff_fields(desired, live, rotate=False)
        return [replace(f, after=SAVED) if f.sensitive else f for f in fields]

    def fingerprint(self, live: dict[str, Any]) -> str:
        keys = ("reference", "name", "description", "type", "status", *OBJECTS, LINKED)
        view = norm({k: live.get(k) for k in keys})
        blob = json.dumps(view, sort_keys=True, separators=(",", ":"), default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def export(self, live: dict[str, Any]) -> dict[str, Any]:
        """The YAML document of ``live``; planning it right away changes nothing.

        ``authentication`` is left out (not managed: Solvimon shows no secret, and none is
        needed to keep them), as are the secrets of type objects, nulls and empty objects.
        """
        doc: dict[str, Any] = {
            "kind": KIND,
            "reference": live["reference"],
            "id": live["id"],
            "name": live.get("name") or "",
            "description": live.get("description") or "",
            "type": live["type"],
        }
        if live.get("status"):
            doc["status"] = live["status"]
        for key in TYPE_OBJECTS.values():
            cleaned = without_secrets(live.get(key) or {}, (key,))
            if cleaned:
                doc[key] = cleaned
        if live.get(LINKED):
            doc[LINKED] = without_secrets(live[LINKED], (LINKED,))
        return doc

    # -- applying -------------------------------------------------------------------------
    def send(self, step: Step, body: Mapping[str, Any], object_id: str | None) -> str | None:
        if step.intent == "create":
            return self._create(step, body)
        if step.intent == "test":
            successful, message = self._test(step, body)
            if not successful:
                raise ConnectionTestFailed(
                    f"Solvimon's connection test failed: {message}; not activated"
                )
            return None
        assert object_id is not None, "an update needs the integration id"
        with self._lock:
            self._listed.pop(object_id, None)  # the read-back must GET what is stored now
        if step.intent == "status":
            action = ACTION_SETTING[str(step.target)]
            self.client.change_status(object_id, action, step.operation, self._key(step))
        else:
            self.client.update_integration(object_id, dict(body))
        return None

    def _create(self, step: Step, body: Mapping[str, Any]) -> str:
        """Create; a 409 RESOURCE_ALREADY_EXISTS after a lost answer is raised as ambiguous.

        Why: an API that does not honour the Idempotency-Key answers the retry of a create
        it did perform with 409 (the integration is left DRAFT). That is the lost-answer case,
        so the executor looks the reference up and adopts it, as for RevCent. A 409 on the
        first attempt is a real conflict and stays a refusal.
        """
        lost: list[str] = []

        def on_retry(exc: ApiError, attempt: int) -> None:
            if not isinstance(exc, RateLimited):
                lost.append(str(exc))

        try:
            answer = self.client.create_integration(dict(body), self._key(step), on_retry)
        except RequestRejected as exc:
            if exc.error_code != ALREADY_EXISTS or not lost:
                raise
            raise TransportError(
                f"{exc} after a lost answer ({lost[0]}): the lost attempt created it, as the "
                "API did not honour the Idempotency-Key",
                status=exc.status,
                error_code=exc.error_code,
                operation=CREATE,
            ) from None
        return str(answer["id"])

    def _key(self, step: Step) -> str:
        """One Idempotency-Key per step for this run: every retry of a step sends the same."""
        with self._lock:
            held = self._keys.get(id(step))
            if held is None or held[0] is not step:
                held = (step, str(uuid.uuid4()))
                self._keys[id(step)] = held
            return held[1]

    def _test(self, step: Step, body: Mapping[str, Any]) -> tuple[bool, str]:
        credentials = dict(body.get(WRAP) or {})
        return outcome(self.client.test_connection(query_of(step.path), credentials))

    # -- on demand ------------------------------------------------------------------------
    def test_connection(
        self, desired: DesiredSolvimonIntegration, live: dict[str, Any] | None
    ) -> tuple[bool, str]:
        """(successful, Solvimon's message) of testing ``desired``'s credentials now.

        Raises ConfigError when the credentials cannot be tested or a secret cannot be read;
        secrets read are registered for scrubbing and never shown.
        """
        step, untested = connection_step(desired, live)
        if step is None:
            raise ConfigError(
                [desired.document.problem(("authentication",), f"{desired.key}: {untested}")]
            )
        return self._test(step, resolve_secrets(step.body, owner=desired.key))

    def default_mandates(self) -> list[dict[str, Any]]:
        """Solvimon's default e-invoicing mandates (read-only), in the API's order."""
        return list(self.client.iter_default_mandates())

    def find_by_key(self, key: str) -> str | None:
        # Straight from the API, not cached: the object may have been created a moment ago.
        for body in self.client.iter_integrations():
            if body["reference"] == key:
                return str(body["id"])
        return None

    def verify(self, step: Step, live: dict[str, Any]) -> list[Mismatch]:
        return verify_step(step, live)


def verify_step(step: Step, live: Mapping[str, Any]) -> list[Mismatch]:
    """What the read-back holds differently from what ``step`` sent (secrets: only 'saved')."""
    if step.intent == "test":
        return []  # it changes nothing: its answer was judged when it was sent
    if step.intent == "status":
        status = live.get("status")
        return [] if status == step.target else [Mismatch("status", step.target, status)]
    return read_back_mismatches(step.body, live)


def _conforms(
    provider: SolvimonProvider,
) -> Provider[DesiredSolvimonIntegration, dict[str, Any]]:
    """Never called: mypy checks here that the class answers the core's typed seam."""
    return provider


def _adopts(provider: SolvimonProvider) -> Adopts:
    """Never called: mypy checks the capability the executor finds by ``isinstance``."""
    return provider
