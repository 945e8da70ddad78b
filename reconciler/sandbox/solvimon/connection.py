"""Solvimon's ``test-connection`` and ``e-invoicing/default-mandates`` as the sandbox plays them.

Why a credential rule and not a random fault: a test must be able to make one connection fail
and another pass in the same run, reproducibly, with nothing but the YAML and its secrets. So
the sandbox's "external provider" refuses a credential whose value starts with ``reject``
(``REJECT_PREFIX``), and answers ``successful: false`` when a credential the type needs is not
sent. The rest of the answer follows the spec (``TestConnectionResponse``); what the spec leaves
open is written in docs/solvimon-connection.md, each rule marked [assumed].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.sandbox.solvimon.errors import SolvimonFailure, invalid

REJECT_PREFIX = "reject"  # a credential starting with this is refused by the "provider"
TYPES = ("PAYMENT_GATEWAY", "E_INVOICING", "TAX_CALCULATION", "DATA_EXPORT", "EMAIL_PROVIDER")
# integration_type -> (the query parameter naming its variant, the values allowed)
VARIANT_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "E_INVOICING": ("e_invoicing_processor", ("AVALARA",)),
    "TAX_CALCULATION": ("tax_calculation_variant", ("AVATAX",)),
}
# What the test needs in the body, per type [assumed]; EMAIL_PROVIDER needs an api key only
# when one is sent (MAILGUN; the SYSTEM provider has no credentials), DATA_EXPORT keeps its
# credentials in its own object, so its test has nothing to check.
NEEDED: dict[str, tuple[tuple[str, str], ...]] = {
    "PAYMENT_GATEWAY": (("api_key", "value"),),
    "E_INVOICING": (("client_credentials", "client_id"), ("client_credentials", "client_secret")),
    "TAX_CALCULATION": (("username_password", "username"), ("username_password", "password")),
    "DATA_EXPORT": (),
    "EMAIL_PROVIDER": (),
}
SECRETS = (("api_key", "value"), ("client_credentials", "client_secret"),
           ("username_password", "password"))  # fmt: skip
PEERS = {
    "PAYMENT_GATEWAY": "the payment gateway",
    "E_INVOICING": "Avalara",
    "TAX_CALCULATION": "AvaTax",
    "DATA_EXPORT": "the data export target",
    "EMAIL_PROVIDER": "the email provider",
}


def check_query(query: Mapping[str, str]) -> str:
    """The ``integration_type`` of a test-connection request, its variant checked."""
    kind = query.get("integration_type")
    if kind is None:
        raise SolvimonFailure(
            400,
            "MISSING_FIELD",
            "integration_type: required to test a connection",
            field="integration_type",
        )
    if kind not in TYPES:
        raise invalid("integration_type", f"integration_type: must be one of {', '.join(TYPES)}")
    for other, (param, allowed) in VARIANT_PARAMS.items():
        value = query.get(param)
        if other != kind:
            if value is not None:
                raise invalid(param, f"{param}: only for integration_type {other}")
            continue
        if value is None:
            raise SolvimonFailure(
                400, "MISSING_FIELD", f"{param}: required for {kind}", field=param
            )
        if value not in allowed:
            raise invalid(param, f"{param}: must be one of {', '.join(allowed)}")
    return kind


def connection_result(kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The ``TestConnectionResponse`` for credentials ``body`` (already schema-checked).

    Never echoes a credential: messages name the field, not its value.
    """
    peer = PEERS[kind]
    needed = list(NEEDED[kind])
    if kind == "EMAIL_PROVIDER" and "api_key" in body:
        needed.append(("api_key", "value"))
    for group, key in needed:
        if not _value(body, group, key):
            return _answer(False, f"authentication.{group}.{key}: not set; {peer} needs it")
    for group, key in (*SECRETS, ("client_credentials", "client_id"),
                       ("username_password", "username")):  # fmt: skip
        if _value(body, group, key).startswith(REJECT_PREFIX):
            return _answer(
                False, f"{peer} refused the credentials (authentication.{group}.{key}): 401"
            )
    if not any(_value(body, group, key) for group, key in SECRETS):
        return _answer(True, f"no credentials to test for {peer}: nothing to connect with")
    return _answer(True, f"connected to {peer}")


def _value(body: Mapping[str, Any], group: str, key: str) -> str:
    node = body.get(group)
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, str) else ""


def _answer(successful: bool, message: str) -> dict[str, Any]:
    return {"successful": successful, "message": message}


# -- default e-invoicing mandates ---------------------------------------------------------
def _mandate(
    name: str,
    country: str,
    formats: tuple[str, ...],
    *,
    pdf: bool = False,
    mappings: tuple[tuple[str, str, str], ...] = (),
) -> dict[str, Any]:
    return {
        "name": name,
        "country": country,
        "mappings": [{"target": t, "source": s, "description": d} for t, s, d in mappings],
        "condition_groups": [
            {
                "conditions": [
                    {"field": "customer.country", "comparator_type": "EQUALS", "value": country}
                ]
            }
        ],
        "include_pdf_in_einvoice": pdf,
        "supported_file_formats": [
            {"type": f, "description": f"{f} document of the eInvoice"} for f in formats
        ],
    }


_BUYER_REF = (("cbc:BuyerReference", "invoice.customer.reference", "the buyer's own reference"),)
DEFAULT_MANDATES: tuple[dict[str, Any], ...] = (
    _mandate("BE-B2B-PEPPOL", "BE", ("UBL", "PDF"), mappings=_BUYER_REF),
    _mandate("DE-B2B-XRECHNUNG", "DE", ("UBL", "CII"), mappings=_BUYER_REF),
    _mandate("DE-B2G-XRECHNUNG", "DE", ("UBL",), mappings=_BUYER_REF),
    _mandate("ES-B2G-FACE", "ES", ("FACTURAE",), pdf=True),
    _mandate("FR-B2B-FACTURX", "FR", ("CII", "PDF"), pdf=True),
    _mandate("IT-B2B-SDI", "IT", ("FATTURAPA",)),
    _mandate("NL-B2G-PEPPOL", "NL", ("UBL",), mappings=_BUYER_REF),
    _mandate("PL-B2B-KSEF", "PL", ("FA",)),
)
MANDATE_ORDERS = ("name", "country")


def default_mandates(
    limit: int, page: int, order_by: str = "name", descending: bool = False
) -> list[dict[str, Any]]:
    """One page (from 1) of the default mandates; the answer is a bare array (the spec's)."""
    ordered = sorted(DEFAULT_MANDATES, key=lambda m: (m[order_by], m["name"]), reverse=descending)
    start = (page - 1) * limit
    return [dict(m) for m in ordered[start : start + limit]]
