"""RevCent's part of the demo account: four integrations that make a plan of
``examples/integrations/`` show every kind of line — creates, one minimal edit, unchanged and
unmanaged integrations (each vendor seeds its own part, from its package's demo.py).

Seeded once per database (a meta flag), so a user's later changes persist across restarts.
Everything goes through the service, i.e. the API's own rules, in the order the tool itself
would use: create disabled with credentials, save options, then enable.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.service import IntegrationService

SEEDED_FLAG = "demo_seeded"


def _creds(cred_id: str, **values: str) -> dict[str, Any]:
    # Plausible-looking but fake: the demo must never need a real secret.
    return {"id": cred_id, "fields": [{"id": k, "value": v} for k, v in values.items()]}


def _options(**options: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {"id": opt, "fields": [{"id": f, "value": v} for f, v in fields.items()]}
        for opt, fields in options.items()
    ]


# (create body, options to save, enabled at the end)
DEMO: list[tuple[dict[str, Any], list[dict[str, Any]], bool]] = [
    (
        {
            # Same as examples/integrations/tax-avalara.yaml: unchanged in a plan.
            "name": "Main Tax Provider - Production",
            "description": "Tax for subscription renewals and trial expirations.",
            "site_third_party_integration": catalog.AVALARA,
            "third_party_credentials": _creds(
                "avalara_credentials", account_id="1100223344", license_key="demo-avatax-license"
            ),
        },
        _options(
            company={"company_code": ["DEFAULT"]},
            document_settings={"commit_documents": ["yes"], "document_prefix": ["RC-"]},
        ),
        True,
    ),
    (
        {
            # Same as the second document of examples/integrations/shipping.yaml: unchanged.
            "name": "Tracking - EasyPost",
            "description": (
                "Shipment status updates for legacy orders; kept disabled until the migration."
            ),
            "site_third_party_integration": catalog.EASYPOST,
            "third_party_credentials": _creds("easypost_credentials", api_key="EZAK-demo-key"),
        },
        [],
        False,
    ),
    (
        {
            # examples/integrations/ai-openai.yaml but for its description: a minimal edit.
            "name": "AI Provider - Support Assistant",
            "description": "Powers the support AI Assistant.",
            "site_third_party_integration": catalog.OPENAI,
            "third_party_credentials": _creds("openai_credentials", api_key="sk-demo-openai"),
        },
        _options(model={"model_id": ["gpt-4o"]}, generation={"temperature": ["0.2"]}),
        True,
    ),
    (
        {
            # In no example: unmanaged.
            "name": "Legacy Tax - TaxJar v1",
            "description": "TaxJar through the v1 API, replaced by Avalara.",
            "site_third_party_integration": catalog.TAXJAR_LEGACY,
            "third_party_credentials": _creds("taxjar_v1_credentials", api_token="demo-v1-token"),
        },
        [],
        False,
    ),
]


def seed_demo_account(service: IntegrationService) -> bool:
    """Create the demo integrations unless seeded before; True if it seeded.

    A demo name the user already has is left alone rather than failing the start.
    """
    store = service.store
    if store.meta_get(SEEDED_FLAG):
        return False
    for body, options, enabled in DEMO:
        if service.db.name_owner(body["name"]) is not None:
            continue
        new_id = service.create({**body, "enabled": False})
        if options:
            service.edit(new_id, {"third_party_options": options})
        if enabled:
            service.edit(new_id, {"enabled": True})
    store.meta_set(SEEDED_FLAG, "1")
    return True
