"""The RevCent provider: reads, plans, sends, verifies and exports user integrations.

Why a thin glue module: the rules live in ``planning`` and ``state``, the wire in ``client``;
this class only answers the core's ``Provider`` protocol with them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.errors import PlanError, Problem
from reconciler.http import ApiSettings
from reconciler.model import Document
from reconciler.plan import Change, FieldChange, Step
from reconciler.providers.base import Adopts, LiveRef, Mismatch, PlanOptions, Provider
from reconciler.providers.paging import ListedPage, PagedListing
from reconciler.providers.revcent import catalog_checks
from reconciler.providers.revcent import desired as desired_module
from reconciler.providers.revcent.client import PAGE_LIMIT, RevCentClient
from reconciler.providers.revcent.descriptor import DESCRIPTOR
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.providers.revcent.discovery import RevCentDiscovery
from reconciler.providers.revcent.export import export_document
from reconciler.providers.revcent.fields import read_back_mismatches
from reconciler.providers.revcent.planning import diff_fields, plan_change
from reconciler.providers.revcent.state import (
    Catalog,
    LiveIntegration,
    comparable,
    options_from_body,
)
from reconciler.providers.revcent.types import integration_type
from reconciler.ratelimit import RateLimiter


class RevCentProvider:
    """RevCent user third-party integrations of one account (one key: Test or Live mode)."""

    name = DESCRIPTOR.name
    kinds = DESCRIPTOR.kind_names

    def __init__(self, settings: ApiSettings, *, limiter: RateLimiter | None = None):
        self.client = RevCentClient(settings, limiter=limiter)
        self._sites: list[dict[str, Any]] | None = None
        # live id, or desired name of a create -> the integration_type every read-back keeps
        self._types: dict[str, str] = {}

    def close(self) -> None:
        self.client.close()

    # -- desired state --------------------------------------------------------------------
    def parse(self, document: Document) -> DesiredIntegration:
        return desired_module.from_document(document)

    # -- reading --------------------------------------------------------------------------
    def list_live(self) -> PagedListing:
        # Pages on demand: the live reader fetches several at once and Gets as they arrive.
        def fetch(page: int) -> ListedPage:
            results = self.client.list_page(page)
            refs = [LiveRef(str(r.get("id")), str(r.get("name"))) for r in results]
            return ListedPage(refs, more=len(results) >= PAGE_LIMIT)

        return PagedListing(fetch, self.client.integration_guard())

    def get_live(self, object_id: str) -> LiveIntegration:
        return LiveIntegration.from_body(self.client.get_integration(object_id))

    def prepare(self, desired: Sequence[DesiredIntegration]) -> None:
        if desired and self._sites is None:
            self._sites = self.client.site_integrations()

    @property
    def sites(self) -> list[dict[str, Any]]:
        if self._sites is None:
            self._sites = self.client.site_integrations()
        return self._sites

    def _site(self, reference: str) -> Catalog | None:
        by_id = [s for s in self.sites if s.get("id") == reference]
        matches = by_id or [s for s in self.sites if s.get("name") == reference]
        return Catalog(matches[0]) if len(matches) == 1 else None

    def discovery(self) -> RevCentDiscovery:
        """Read-only discovery: site integrations, their fields, an account's assets."""
        return RevCentDiscovery(self)

    # -- planning and checking ------------------------------------------------------------
    def check_live(
        self, desired: Sequence[DesiredIntegration], live: Mapping[str, LiveIntegration]
    ) -> list[Problem]:
        bodies = {key: dict(item.raw) for key, item in live.items()}
        return catalog_checks.check_against_catalog(list(desired), self.sites, bodies)

    def plan_change(
        self, desired: DesiredIntegration, live: LiveIntegration | None, options: PlanOptions
    ) -> Change:
        site = self._site(desired.site_integration)
        if site is None:
            raise PlanError(
                desired.document.problem(
                    ("site_integration",),
                    f"{desired.name}: site integration {desired.site_integration!r} is unknown "
                    "or ambiguous",
                    "run 'reconciler validate --live' for details",
                )
            )
        current = live
        if (
            current is not None
            and current.catalog.site_id
            and current.catalog.site_id != site.site_id
        ):
            raise PlanError(
                desired.document.problem(
                    ("site_integration",),
                    f"{desired.name}: the live integration uses site integration "
                    f"{current.catalog.name!r} ({current.catalog.site_id}); "
                    "RevCent cannot change it",
                    "give the new integration another name, and disable the old one",
                )
            )
        expected = desired.type or integration_type(site.site)
        if expected:
            self._types[current.id if current is not None else desired.name] = expected
        fingerprint = self.fingerprint(current) if current is not None else None
        return plan_change(desired, current, site, options, fingerprint)

    def drift(self, desired: DesiredIntegration, live: LiveIntegration) -> list[FieldChange]:
        """Managed fields that differ, compared exactly as planning compares them.

        Beyond the fields a plan would edit: a site integration that is not the one the YAML
        names (a plan refuses it), and credentials RevCent no longer holds, whether the YAML
        manages them or enables an integration that cannot work without them.
        """
        current = live
        fields, _ = diff_fields(desired, current, current.catalog)
        site = current.catalog
        reference = desired.site_integration
        if site.site_id and reference not in (site.site_id, site.name):
            by_id = len(reference) == 20 and reference.isalnum()
            fields.insert(
                1 if fields and fields[0].path == "name" else 0,
                FieldChange(
                    "site_integration", site.site_id if by_id else site.name, reference, "high"
                ),
            )
        # The credentials RevCent must hold: the managed ones, or the site's when the YAML
        # enables the integration (RevCent refuses to enable one without credentials).
        credential_id = None
        if desired.credentials is not None and desired.manages("credentials"):
            credential_id = desired.credentials.id
        elif desired.enabled is True and desired.manages("enabled"):
            credential_id = site.credential_id
        if credential_id and credential_id not in current.credentials_saved:
            fields.append(
                FieldChange(f"credentials.{credential_id}", "(not saved)", "(saved)", "high")
            )
        return fields

    def fingerprint(self, live: LiveIntegration) -> str:
        current = live
        view = {
            "name": current.name,
            "description": current.description,
            "enabled": current.enabled,
            "credentials_saved": sorted(current.credentials_saved),
            "options": comparable(current.options, current.catalog),
            "site": current.catalog.site_id,
        }
        blob = json.dumps(view, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def export(self, live: LiveIntegration) -> dict[str, Any]:
        """The YAML document of ``live`` as saved (see ``export_document``)."""
        site = live.catalog
        same_name = [s for s in self.sites if s.get("name") == site.name]
        return export_document(live, site.name if len(same_name) == 1 else None)

    # -- applying -------------------------------------------------------------------------
    def send(self, step: Step, body: Mapping[str, Any], object_id: str | None) -> str | None:
        if step.intent == "create":
            return self.client.create_integration(dict(body))
        assert object_id is not None, "an Edit needs the integration id"
        self.client.edit_integration(object_id, dict(body))
        return None

    def find_by_key(self, key: str) -> str | None:
        for ref in self.list_live():
            if ref.key == key:
                return ref.id
        return None

    def verify(self, step: Step, live: LiveIntegration) -> list[Mismatch]:
        mismatches = verify_step(step, live)
        # The guide: after every edit, check the integration type remains correct.
        site = live.catalog.site
        expected = self._types.get(live.id) or self._types.get(live.name)
        if expected is None:
            # Planned by another instance (a saved plan): the catalog's type of that site.
            listed = [s for s in self.sites if s.get("id") == site.get("id")]
            expected = integration_type(listed[0]) if len(listed) == 1 else None
        have = integration_type(site)
        if expected and have != expected:
            mismatches.append(Mismatch("integration_type", expected, have))
        return mismatches

    def recheck(self, step: Step, live: LiveIntegration) -> list[str]:
        """Asset values the step sends that the account no longer offers [guide: never guess]."""
        current = live
        reasons = []
        for option_id, fields in options_from_body(
            step.body.get("third_party_options", [])
        ).items():
            for field_id, values in fields.items():
                if not current.catalog.is_asset(option_id, field_id):
                    continue
                offered = current.catalog.assets(option_id, field_id)
                reasons += [
                    f"{value!r} is not among the assets now listed for options.{option_id}."
                    f"{field_id} ({', '.join(offered) or 'none'}); not guessing a replacement"
                    for value in values
                    if value not in offered
                ]
        return reasons


def verify_step(step: Step, live: LiveIntegration) -> list[Mismatch]:
    """What the read-back holds differently from what ``step`` sent (secrets: only 'saved')."""
    return read_back_mismatches(step.body, live)


def _conforms(provider: RevCentProvider) -> Provider[DesiredIntegration, LiveIntegration]:
    """Never called: mypy checks here that the class answers the core's typed seam."""
    return provider


def _adopts(provider: RevCentProvider) -> Adopts:
    """Never called: mypy checks the capability the executor finds by ``isinstance``."""
    return provider
