"""The account: Create, Edit, Get and List of user integrations, with every vendor rule applied.

Why a layer between HTTP and SQLite: the API handlers, the demo seeding and the bulk seeding
all go through it, so no way of writing an integration can drift from the API's rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from reconciler.sandbox.ids import new_id
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.bodies import check_body
from reconciler.sandbox.revcent.errors import RevCentFailure
from reconciler.sandbox.revcent.render import RowViews
from reconciler.sandbox.revcent.rules import check_credentials, check_options, incomplete_reasons
from reconciler.sandbox.revcent.secureforms import SecureForms
from reconciler.sandbox.revcent.store import Integration, IntegrationStore, NameTaken
from reconciler.sandbox.revcent.views import integration_view
from reconciler.sandbox.store import Store

# Called with the record about to be stored, the Edit body and a "name is free" test;
# returns True if it changed the record (the alter fault).
Alteration = Callable[[Integration, Mapping[str, Any], Callable[[str], bool]], bool]

MAX_SEED = 100_000


class IntegrationService:
    """User third-party integrations of one sandbox account."""

    def __init__(self, store: Store):
        self.store = store
        self.db = IntegrationStore(store)
        self.forms = SecureForms(store)
        self._views = RowViews(self.db.decode)

    def create(self, body: Any) -> str:
        """CreateUserThirdPartyIntegration; returns the new id."""
        form_id, body = _secure_form_id(body)
        body = check_body("create", body)
        site_id = body["site_third_party_integration"]
        site = catalog.site_integration(site_id)
        if site is None:
            raise RevCentFailure(
                "unknown_site_integration",
                f"site_third_party_integration: '{site_id}' is not a site third party integration",
            )
        self._claim_name(body["name"], None)
        rec = Integration(
            id=new_id(),
            name=body["name"],
            description=body.get("description", ""),
            # Unspecified on create is read as disabled: enabling requires a complete setup.
            enabled=body.get("enabled", False),
            site_id=site_id,
        )
        if "third_party_credentials" in body:
            rec.credential_id, rec.credential_values = check_credentials(
                site, body["third_party_credentials"]
            )
        if form_id is not None:
            rec.credential_id = site["third_party_credentials"]["id"]
            rec.credential_values = self.forms.claim(form_id, site_id)
        if rec.enabled:
            _refuse_incomplete(site, rec)
        self._write(self.db.insert, rec)
        if form_id is not None:  # after the insert: a refused Create leaves the form unused
            self.forms.mark_used(form_id, rec.id)
        return rec.id

    def edit(self, integration_id: str, body: Any, *, alter: Alteration | None = None) -> None:
        """EditUserThirdPartyIntegration: only the properties present change."""
        current = self._record(integration_id)
        form_id, body = _secure_form_id(body)
        body = check_body("edit", body)
        if not body and form_id is None:
            raise RevCentFailure("nothing_to_edit", "the body has no property to change")
        site = _site(current)
        rec = dataclasses.replace(current)
        if "name" in body:
            self._claim_name(body["name"], current.id)
            rec.name = body["name"]
        if "description" in body:
            rec.description = body["description"]
        if "enabled" in body:
            rec.enabled = body["enabled"]
        if "third_party_credentials" in body:
            rec.credential_id, rec.credential_values = check_credentials(
                site, body["third_party_credentials"]
            )
        if form_id is not None:
            rec.credential_id = site["third_party_credentials"]["id"]
            rec.credential_values = self.forms.claim(form_id, current.site_id)
        if "third_party_options" in body:
            # Replaces the whole saved set, checked against the credentials now in force.
            rec.options = check_options(site, body["third_party_options"], rec)
        # Enabling, or replacing the options of an enabled integration, must leave it complete;
        # a name/description edit of an integration that drifted incomplete still goes through.
        if rec.enabled and (body.get("enabled") is True or "third_party_options" in body):
            _refuse_incomplete(site, rec)
        if alter is not None:
            alter(rec, body, lambda name: self.db.name_owner(name) in (None, rec.id))
        with self.store.transaction():  # the form is used only if the integration is written
            self._write(self.db.update, rec)
            if form_id is not None:
                self.forms.mark_used(form_id, rec.id)

    def get(self, integration_id: str) -> dict[str, Any]:
        """The GetUserThirdPartyIntegration body, without the call envelope."""
        return integration_view(self._record(integration_id))

    def list_page(self, limit: int, page: int) -> list[dict[str, Any]]:
        """One page (from 1) of integrations in creation order."""
        return [integration_view(r) for r in self.db.page(limit, (page - 1) * limit)]

    def get_json(self, integration_id: str) -> str:
        """``json.dumps(self.get(integration_id))``, read from the database every time."""
        row = self.db.get_row(integration_id)
        if row is None:
            raise _not_found(integration_id)
        return self._views(row)

    def list_page_json(self, limit: int, page: int) -> list[str]:
        """``json.dumps`` of each item of ``list_page``, read from the database every time."""
        return [self._views(row) for row in self.db.page_rows(limit, (page - 1) * limit)]

    def forget_credentials(self, integration_id: str) -> None:
        """Sandbox-only: clear saved credentials, as if they were revoked outside the tool."""
        rec = self._record(integration_id)
        rec.credential_id, rec.credential_values = None, {}
        self.db.update(rec)

    def seed_bulk(self, count: int, prefix: str) -> list[str]:
        """Create ``count`` complete integrations named ``prefix`` + number, in one transaction.

        Rotates over the catalog, so benchmarks see every shape (assets, multi-selects, no
        options); one template per site is checked by the same rules as the API.
        """
        if not 1 <= count <= MAX_SEED:
            raise RevCentFailure("invalid_request", f"count: must be within 1..{MAX_SEED}")
        sites = catalog.SITE_INTEGRATIONS
        templates = [_complete_template(site) for site in sites]
        width = len(str(count))
        recs = []
        for i in range(count):
            site, tpl = sites[i % len(sites)], templates[i % len(sites)]
            recs.append(
                dataclasses.replace(
                    tpl,
                    id=new_id(),
                    name=f"{prefix}{i + 1:0{width}d}",
                    description=f"Bulk-seeded integration {i + 1} on {site['name']}.",
                    enabled=i % 4 != 3,  # mostly enabled, some disabled
                    options=[dict(o) for o in tpl.options],
                )
            )
        self._write(self.db.insert_many, recs)
        return [r.id for r in recs]

    def _record(self, integration_id: str) -> Integration:
        rec = self.db.get(integration_id)
        if rec is None:
            raise _not_found(integration_id)
        return rec

    def _claim_name(self, name: str, owner: str | None) -> None:
        if self.db.name_owner(name) not in (None, owner):
            raise _duplicate(name)

    def _write(self, write: Callable[[Any], object], arg: Any) -> None:
        # The unique index is the real guard; the early check only gives a clearer message.
        try:
            write(arg)
        except NameTaken:
            raise _duplicate(None) from None


def _secure_form_id(body: Any) -> tuple[Any, Any]:
    """``secure_form_id`` taken out of a Create/Edit body, and the rest for the seed schema.

    [assumed] The guide (seed 002) saves credentials with ``secure_form_id``; the REST schemas
    (seeds 000/001) do not list it. The sandbox accepts it beside the verbatim schemas, and
    never together with ``third_party_credentials`` (two sources for one credential set).
    """
    if not isinstance(body, dict) or "secure_form_id" not in body:
        return None, body
    rest = {k: v for k, v in body.items() if k != "secure_form_id"}
    if "third_party_credentials" in rest:
        raise RevCentFailure(
            "invalid_request",
            "body: send either third_party_credentials or secure_form_id, not both",
        )
    return body["secure_form_id"], rest


def _not_found(integration_id: str) -> RevCentFailure:
    return RevCentFailure(
        "integration_not_found", f"no user third party integration has id '{integration_id}'"
    )


def _duplicate(name: str | None) -> RevCentFailure:
    what = f"'{name}'" if name is not None else "this name"
    return RevCentFailure("duplicate_name", f"name: another integration is already called {what}")


def _site(rec: Integration) -> dict[str, Any]:
    site = catalog.site_integration(rec.site_id)
    if site is None:  # the catalog lost an entry the database still uses: a sandbox bug
        raise LookupError(f"site integration {rec.site_id} is not in the catalog")
    return site


def _refuse_incomplete(site: dict[str, Any], rec: Integration) -> None:
    reasons = incomplete_reasons(site, rec)
    if reasons:
        raise RevCentFailure(
            "integration_incomplete",
            f"enabled: cannot enable an incomplete integration: {'; '.join(reasons)}",
        )


def _complete_template(site: dict[str, Any]) -> Integration:
    """A complete, valid record for ``site``: plausible credentials, first allowed values."""
    spec = site["third_party_credentials"]
    creds = {
        "id": spec["id"],
        "fields": [{"id": f["id"], "value": f"bulk-{f['id']}"} for f in spec["fields"]],
    }
    rec = Integration(id="", name="", description="", enabled=True, site_id=site["id"])
    rec.credential_id, rec.credential_values = check_credentials(site, creds)
    options = []
    for opt in site["third_party_options"]:
        fields = []
        for f in opt["fields"]:
            settings = f.get("select_settings", {})
            if settings.get("third_party_asset"):
                allowed = catalog.assets_for(site["id"], opt["id"], f["id"], rec.credential_values)
            else:
                allowed = settings.get("options", ["bulk"])
            fields.append({"id": f["id"], "value": allowed[:1]})
        options.append({"id": opt["id"], "fields": fields})
    rec.options = check_options(site, options, rec)
    _refuse_incomplete(site, rec)
    return rec
