"""An account holding every site integration of the catalog, in every shape import must keep."""

from __future__ import annotations

from typing import Any

from helpers import client, create_live

from reconciler.sandbox.revcent import catalog


def forget_credentials(sandbox: Any, integration_id: str) -> None:
    with client(sandbox) as http:
        answer = http.post(f"/_sandbox/integrations/{integration_id}/forget_credentials")
        assert answer.status_code == 200, answer.text


def every_kind(sandbox: Any) -> dict[str, str]:
    """One integration per catalog entry (name -> id): options of every field type, values
    YAML would misread, whitespace, no description, no credentials, revoked credentials."""
    made = {
        "Main Tax: Avalara": create_live(
            sandbox,
            "Main Tax: Avalara",
            catalog.AVALARA,
            description='Tax for renewals — "quoted", #not a comment',
            credentials={"account_id": "2000999999", "license_key": "lk"},
            credential_id="avalara_credentials",
            options={
                "company": {"company_code": ["EU_TRADING"]},
                "document_settings": {"commit_documents": ["no"], "document_prefix": [" RC- "]},
            },
            enabled=True,
        ),
        "Marketplace Tax": create_live(  # no credentials saved, no description
            sandbox,
            "Marketplace Tax",
            catalog.TAXJAR,
            options={"nexus": {"nexus_regions": ["US-TX", "CA-ON", "US-CA"]}},
        ),
        "yes": create_live(  # a name YAML 1.1 reads as a boolean
            sandbox,
            "yes",
            catalog.TAXJAR_LEGACY,
            description="",
            credentials={"api_token": "t"},
            credential_id="taxjar_v1_credentials",
        ),
        "Brand A Shipping": create_live(
            sandbox,
            "Brand A Shipping",
            catalog.SHIPSTATION,
            description="Ships Brand A.",
            credentials={"api_key": "k", "api_secret": "s"},
            credential_id="shipstation_credentials",
            options={
                "store": {"store_id": ["brand-a-store"]},
                "shipping_services": {"service_ids": ["two_day", "ground"]},
            },
            enabled=True,
        ),
        "Tracking": create_live(
            sandbox,
            "Tracking",
            catalog.EASYPOST,
            description="null",
            credentials={"api_key": "k"},
            credential_id="easypost_credentials",
        ),
        "Offline Payment - Sezzle": create_live(
            sandbox,
            "Offline Payment - Sezzle",
            catalog.SEZZLE,
            description="Pay in four.",
            credentials={"public_key": "sz-test-public", "private_key": "p"},
            credential_id="sezzle_credentials",
            options={
                "merchant": {"merchant_uuid": ["sandbox-merchant"]},
                "capture": {"capture_mode": ["manual"]},
            },
            enabled=True,
        ),
        "Offline Payment - Affirm": create_live(
            sandbox,
            "Offline Payment - Affirm",
            catalog.AFFIRM,
            description="0.2",
            credentials={"public_api_key": "a", "private_api_key": "b"},
            credential_id="affirm_credentials",
            options={"checkout": {"financial_product_key": ["007"]}},
        ),
        "AI Provider": create_live(
            sandbox,
            "AI Provider",
            catalog.OPENAI,
            description="Multi-line\ndescription: with a colon",
            credentials={"api_key": "k", "organization_id": "org-restricted"},
            credential_id="openai_credentials",
            options={
                "model": {"model_id": ["gpt-4o-mini"]},
                "generation": {"temperature": ["1e3"]},
            },
            enabled=True,
        ),
        "Claude – Support ✓": create_live(  # credentials revoked while enabled (below)
            sandbox,
            "Claude – Support ✓",
            catalog.ANTHROPIC,
            description="Anthropic for support.",
            credentials={"api_key": "k"},
            credential_id="anthropic_credentials",
            options={"model": {"model_id": ["claude-haiku-4"]}},
            enabled=True,
        ),
        "Voice Provider": create_live(
            sandbox,
            "Voice Provider",
            catalog.ELEVENLABS,
            description="Voice agent.",
            credentials={"api_key": "k"},
            credential_id="elevenlabs_credentials",
            options={
                "voice": {"voice_id": ["voice-adam"]},
                "numbers": {"phone_numbers": ["+15550103", "+15550101"]},
            },
            enabled=True,
        ),
    }
    forget_credentials(sandbox, made["Claude – Support ✓"])
    return made
