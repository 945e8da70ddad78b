"""The Solvimon half of the demo account: three integrations that make a plan of
``examples/integrations/`` show, for Solvimon too, one unchanged, one minimal edit, one create
(``solvimon-email.yaml``, not seeded) and one unmanaged integration.

Seeded once per database (its own meta flag, so a database seeded before Solvimon existed still
gains it), through the service's rules, in the tool's own order: create, then the status last.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.solvimon.service import SolvimonService

SEEDED_FLAG = "solvimon_demo_seeded"

# (create body, status operations afterwards). The secrets are fake.
DEMO: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    (
        {
            # Same as examples/integrations/solvimon-tax.yaml: unchanged in a plan.
            "reference": "avatax-eu",
            "name": "AvaTax EU",
            "description": "Tax calculation and filing for the EU billing entity.",
            "type": "TAX_CALCULATION",
            "authentication": {
                "username_password": {"username": "2000123456", "password": "demo-avatax-license"}
            },
            "tax_calculation": {
                "variant": "AVATAX",
                "billing_entity_id": "be_eu_main",
                "ava_tax": {"company_code": "EU_TRADING"},
                "enable_tax_filing": True,
                "custom_tax_codes": [{"field": "INVOICE_COMMITMENT", "value": "FR020000"}],
            },
            "linked_resources_configurations": [
                {
                    "resource_type": "CUSTOMER",
                    "link_details": [
                        {
                            "base_url": "https://admin.avalara.com/customers",
                            "custom_field_reference": "avatax_customer_code",
                        }
                    ],
                }
            ],
        },
        ("activate",),
    ),
    (
        {
            # examples/integrations/solvimon-payments.yaml but for its description: an edit.
            "reference": "stripe-main",
            "name": "Stripe",
            "description": "Card payments.",
            "type": "PAYMENT_GATEWAY",
            "authentication": {
                "api_key": {"header": "Authorization", "value": "sk_live_demo_secret"}
            },
            "payment_gateway": {
                "variant": "STRIPE",
                "stripe": {
                    "public_key": "pk_live_51DemoPublishableKey",
                    "signing_secret": "whsec_demo_signing",
                },
            },
        },
        ("activate",),
    ),
    (
        {
            # In no example: unmanaged (and archived: read-only).
            "reference": "legacy-s3-export",
            "name": "Legacy S3 export",
            "description": "Nightly invoice export, replaced by the warehouse sync.",
            "type": "DATA_EXPORT",
            "data_export": {
                "variant": "S3",
                "s3": {
                    "bucket_name": "acme-billing-exports",
                    "bucket_path": "invoices/",
                    "bucket_region": "eu-west-1",
                    "authentication_type": "IAM_ROLE",
                    "role_arn": "arn:aws:iam::123456789012:role/solvimon-export",
                },
            },
        },
        ("activate", "archive"),
    ),
]


def seed_solvimon_demo(service: SolvimonService) -> bool:
    """Create the Solvimon demo integrations unless seeded before; True if it seeded.

    A demo reference the user already has is left alone rather than failing the start.
    """
    store = service.db.store
    if store.meta_get(SEEDED_FLAG):
        return False
    for body, operations in DEMO:
        if service.db.reference_owner(body["reference"]) is not None:
            continue
        new_id = service.create(body)["id"]
        for action in operations:
            service.change_status(new_id, action)
    store.meta_set(SEEDED_FLAG, "1")
    return True
