"""The sandbox's catalog of RevCent site third-party integrations, and its third-party assets.

Why data and not code: tests, examples and the README all refer to these ids, names and option
ids, so they must be stable and in one place. Shapes follow ``site_third_party_integration`` of
the GetUserThirdPartyIntegration response (seed 003).

Assets: a select field with ``third_party_asset: true`` lists, in a user integration's Get
response, the values of ``ASSETS[(site id, option id, field id)]`` once credentials are saved:
the list under the saved value of the credential field ``key_field`` if there is one, else the
``"*"`` list. So different credentials see different assets, as with a real provider. The
saved value is a salted fingerprint (see fingerprint.py): each ``by_key`` key is compared
with it under the database's salt, so no secret is needed to pick the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.sandbox.fingerprint import saved_equals


def _sid(text: str) -> str:
    """A 20-character id from a readable stem (the vendor's ids are 20 characters)."""
    assert len(text) <= 20, text
    return text + "0" * (20 - len(text))


AVALARA = _sid("SiteAvalaraTax")
TAXJAR = _sid("SiteTaxJarTax")
TAXJAR_LEGACY = _sid("SiteTaxJarLegacy")
SHIPSTATION = _sid("SiteShipStation")
EASYPOST = _sid("SiteEasyPost")
SEZZLE = _sid("SiteSezzlePay")
AFFIRM = _sid("SiteAffirmPay")
OPENAI = _sid("SiteOpenAI")
ANTHROPIC = _sid("SiteAnthropic")
ELEVENLABS = _sid("SiteElevenLabsVoice")


def _creds(
    cred_id: str, name: str, description: str, *fields: tuple[str, str, bool]
) -> dict[str, Any]:
    return {
        "id": cred_id,
        "name": name,
        "description": description,
        "fields": [{"id": f, "name": n, "required": r} for f, n, r in fields],
    }


def _select(
    field_id: str,
    name: str,
    *,
    options: list[str] | None = None,
    asset: bool = False,
    multiple: bool = False,
    required: bool = True,
) -> dict[str, Any]:
    return {
        "id": field_id,
        "name": name,
        "field_type": "select",
        "required": required,
        "select_settings": {
            "third_party_asset": asset,
            "options": list(options or []),
            "multiple": multiple,
        },
    }


def _input(field_id: str, name: str, *, required: bool = False) -> dict[str, Any]:
    return {"id": field_id, "name": name, "field_type": "input", "required": required}


def _option(
    option_id: str, name: str, description: str, required: bool, *fields: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": option_id,
        "name": name,
        "description": description,
        "required": required,
        "fields": list(fields),
    }


SITE_INTEGRATIONS: list[dict[str, Any]] = [
    {
        "id": AVALARA,
        "name": "Avalara",
        "description": "Avalara AvaTax: sales tax calculation for orders and renewals.",
        "integration_type": "tax",
        "third_party_credentials": _creds(
            "avalara_credentials",
            "AvaTax account",
            "Your AvaTax account id and license key (Settings > License and API keys).",
            ("account_id", "Account ID", True),
            ("license_key", "License Key", True),
        ),
        "third_party_options": [
            _option(
                "company",
                "Company",
                "The AvaTax company whose nexus and settings are used.",
                True,
                _select("company_code", "Company code", asset=True),
            ),
            _option(
                "document_settings",
                "Document settings",
                "How transactions are recorded in AvaTax.",
                False,
                _select("commit_documents", "Commit documents", options=["yes", "no"]),
                _input("document_prefix", "Document code prefix"),
            ),
        ],
    },
    {
        "id": TAXJAR,
        "name": "TaxJar",
        "description": "TaxJar SmartCalcs tax calculation.",
        "integration_type": "tax",
        "third_party_credentials": _creds(
            "taxjar_credentials",
            "TaxJar API token",
            "A live API token from TaxJar (Account > SmartCalcs API).",
            ("api_token", "API Token", True),
        ),
        "third_party_options": [
            _option(
                "nexus",
                "Nexus regions",
                "Regions where tax is collected.",
                False,
                _select(
                    "nexus_regions",
                    "Regions",
                    options=["US-CA", "US-FL", "US-NY", "US-TX", "US-WA", "CA-ON"],
                    multiple=True,
                ),
            ),
        ],
    },
    {
        "id": TAXJAR_LEGACY,
        "name": "TaxJar",
        "description": "TaxJar through the legacy v1 API (kept for existing accounts).",
        "integration_type": "tax",
        "third_party_credentials": _creds(
            "taxjar_v1_credentials",
            "TaxJar v1 token",
            "A v1 API token.",
            ("api_token", "API Token", True),
        ),
        "third_party_options": [],
    },
    {
        "id": SHIPSTATION,
        "name": "ShipStation",
        "description": "ShipStation: fulfillment and shipment tracking.",
        "integration_type": "shipping",
        "third_party_credentials": _creds(
            "shipstation_credentials",
            "ShipStation API keys",
            "API key and secret from ShipStation (Settings > Account > API Settings).",
            ("api_key", "API Key", True),
            ("api_secret", "API Secret", True),
        ),
        "third_party_options": [
            _option(
                "store",
                "Store",
                "The ShipStation store orders are sent to.",
                True,
                _select("store_id", "Store", asset=True),
            ),
            _option(
                "shipping_services",
                "Shipping services",
                "Services offered at checkout.",
                False,
                _select(
                    "service_ids",
                    "Services",
                    options=["ground", "two_day", "overnight", "international"],
                    multiple=True,
                ),
            ),
        ],
    },
    {
        "id": EASYPOST,
        "name": "EasyPost",
        "description": "EasyPost shipment tracking updates.",
        "integration_type": "shipping",
        "third_party_credentials": _creds(
            "easypost_credentials",
            "EasyPost API key",
            "A production API key from EasyPost.",
            ("api_key", "API Key", True),
        ),
        "third_party_options": [],
    },
    {
        "id": SEZZLE,
        "name": "Sezzle",
        "description": "Sezzle buy-now-pay-later offline payments.",
        "integration_type": "offline_payment",
        "third_party_credentials": _creds(
            "sezzle_credentials",
            "Sezzle API keys",
            "Public and private keys from the Sezzle merchant dashboard.",
            ("public_key", "Public Key", True),
            ("private_key", "Private Key", True),
        ),
        "third_party_options": [
            _option(
                "merchant",
                "Merchant account",
                "The Sezzle merchant account payments settle to.",
                True,
                _select("merchant_uuid", "Merchant", asset=True),
            ),
            _option(
                "capture",
                "Capture",
                "When payments are captured.",
                False,
                _select("capture_mode", "Capture mode", options=["auto", "manual"]),
            ),
        ],
    },
    {
        "id": AFFIRM,
        "name": "Affirm",
        "description": "Affirm pay-over-time offline payments.",
        "integration_type": "offline_payment",
        "third_party_credentials": _creds(
            "affirm_credentials",
            "Affirm API keys",
            "Public and private API keys from the Affirm merchant portal.",
            ("public_api_key", "Public API Key", True),
            ("private_api_key", "Private API Key", True),
        ),
        "third_party_options": [
            _option(
                "checkout",
                "Checkout",
                "Checkout settings.",
                False,
                _input("financial_product_key", "Financial product key"),
            ),
        ],
    },
    {
        "id": OPENAI,
        "name": "OpenAI",
        "description": "OpenAI models for AI chat and AI Assistants.",
        "integration_type": "ai",
        "third_party_credentials": _creds(
            "openai_credentials",
            "OpenAI API key",
            "A project API key from the OpenAI platform.",
            ("api_key", "API Key", True),
            ("organization_id", "Organization ID", False),
        ),
        "third_party_options": [
            _option(
                "model",
                "Model",
                "The model AI Assistants use.",
                True,
                _select("model_id", "Model", asset=True),
            ),
            _option(
                "generation",
                "Generation",
                "Sampling settings.",
                False,
                _input("temperature", "Temperature"),
            ),
        ],
    },
    {
        "id": ANTHROPIC,
        "name": "Anthropic",
        "description": "Anthropic Claude models for AI chat and AI Assistants.",
        "integration_type": "ai",
        "third_party_credentials": _creds(
            "anthropic_credentials",
            "Anthropic API key",
            "An API key from the Anthropic console.",
            ("api_key", "API Key", True),
        ),
        "third_party_options": [
            _option(
                "model",
                "Model",
                "The model AI Assistants use.",
                True,
                _select("model_id", "Model", asset=True),
            ),
        ],
    },
    {
        "id": ELEVENLABS,
        "name": "ElevenLabs",
        "description": "ElevenLabs voices and phone numbers for AI Voice Agents.",
        "integration_type": "ai_voice",
        "third_party_credentials": _creds(
            "elevenlabs_credentials",
            "ElevenLabs API key",
            "An API key from the ElevenLabs workspace settings.",
            ("api_key", "API Key", True),
        ),
        "third_party_options": [
            _option(
                "voice",
                "Voice",
                "The voice AI Voice Agents speak with.",
                True,
                _select("voice_id", "Voice", asset=True),
            ),
            _option(
                "numbers",
                "Phone numbers",
                "Numbers that answer with the voice agent.",
                False,
                _select("phone_numbers", "Numbers", asset=True, multiple=True, required=False),
            ),
        ],
    },
]


# (site id, option id, field id) -> where its asset values come from.
ASSETS: dict[tuple[str, str, str], dict[str, Any]] = {
    (AVALARA, "company", "company_code"): {
        "key_field": "account_id",
        "by_key": {"2000999999": ["WHOLESALE", "EU_TRADING"]},
        "*": ["DEFAULT", "BRAND_A", "BRAND_B"],
    },
    (SHIPSTATION, "store", "store_id"): {
        "key_field": "api_key",
        "by_key": {"ss-other-account": ["outlet-store"]},
        "*": ["main-store", "brand-a-store", "brand-b-store"],
    },
    (SEZZLE, "merchant", "merchant_uuid"): {
        "key_field": "public_key",
        "by_key": {"sz-test-public": ["sandbox-merchant"]},
        "*": ["merchant-us-main", "merchant-ca-main"],
    },
    (OPENAI, "model", "model_id"): {
        "key_field": "organization_id",
        "by_key": {"org-restricted": ["gpt-4o-mini"]},
        "*": ["gpt-4o", "gpt-4o-mini", "o3-mini"],
    },
    (ANTHROPIC, "model", "model_id"): {
        "key_field": "api_key",
        "by_key": {},
        "*": ["claude-sonnet-4", "claude-haiku-4"],
    },
    (ELEVENLABS, "voice", "voice_id"): {
        "key_field": "api_key",
        "by_key": {"el-second-workspace": ["voice-nova"]},
        "*": ["voice-rachel", "voice-adam", "voice-bella"],
    },
    (ELEVENLABS, "numbers", "phone_numbers"): {
        "key_field": "api_key",
        "by_key": {"el-second-workspace": ["+15550100"]},
        "*": ["+15550101", "+15550102", "+15550103"],
    },
}


def assets_for(site_id: str, option_id: str, field_id: str, saved: Mapping[str, str]) -> list[str]:
    """Asset values one account sees for a field, given its saved credential fields."""
    source = ASSETS.get((site_id, option_id, field_id))
    if source is None:
        return []
    for key, values in source["by_key"].items():
        if saved_equals(saved, source["key_field"], key, public=True):  # catalog constants
            return list(values)
    return list(source["*"])


def site_integration(site_id: str) -> dict[str, Any] | None:
    """The catalog entry with this id, or None."""
    return _SITE_BY_ID.get(site_id)


_SITE_BY_ID = {site["id"]: site for site in SITE_INTEGRATIONS}  # looked up on every request
