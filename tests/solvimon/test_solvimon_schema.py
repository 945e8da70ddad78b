"""The Solvimon YAML schema: strict, documented, derived from the vendor's spec, secrets marked
exactly where the provider and the sandbox treat values as secret."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from solvimon_support import ROOT, spec

from reconciler.providers.solvimon import fields
from reconciler.sandbox.solvimon import rules

SCHEMA = json.loads((ROOT / "schemas" / "solvimon-integration.schema.json").read_text())
# Our $defs -> the spec component whose properties they mirror (the update request shapes).
FROM_SPEC = {
    "authentication": "AuthenticationSettingsUpdateRequest",
    "apiKey": "AuthenticationSettingsApiKey",
    "clientCredentials": "ClientCredentials",
    "usernamePassword": "UsernamePassword",
    "paymentGateway": "PaymentGatewayIntegrationUpdateRequest",
    "adyen": "AdyenPaymentGatewayIntegration",
    "stripe": "StripePaymentGatewayIntegration",
    "systemOwnershipDetails": "SystemOwnershipDetails",
    "balancePlatformDetails": "BalancePlatformDetails",
    "legalEntityManagerDetails": "LegalEntityManagerDetails",
    "eInvoicing": "EInvoicingIntegrationUpdateRequest",
    "mandate": "EInvoicingMandate",
    "mapping": "EInvoicingMapping",
    "conditionGroup": "EInvoicingConditionGroup",
    "condition": "EInvoicingCondition",
    "fileFormat": "EInvoiceFileFormat",
    "dataExport": "DataExportIntegrationUpdateRequest",
    "s3": "S3",
    "bigQuery": "BigQuery",
    "gcs": "Gcs",
    "snowflake": "Snowflake",
    "taxCalculation": "TaxCalculationIntegrationUpdateRequest",
    "avaTax": "AvaTaxCalculationIntegration",
    "customTaxCode": "CustomTaxCode",
    "emailProvider": "EmailProviderIntegrationUpdateRequest",
    "mailgun": "MailgunEmailProvider",
    "period": "Period",
    "linkedResource": "IntegrationLinkedResourceConfigurationUpdateRequest",
    "linkDetail": "IntegrationLinkDetail",
}


def _nodes(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key not in ("x-messages", "x-hints", "const", "required", "enum"):
                yield from _nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, f"{where}/{index}")


def test_schema_is_strict_documented_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] and SCHEMA["$schema"].endswith("2020-12/schema")
    for where, node in _nodes(SCHEMA):
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
            for name, prop in node["properties"].items():
                assert prop.get("description"), f"{where}/properties/{name}"


def test_type_objects_are_the_specs() -> None:
    components = spec()["components"]["schemas"]
    for ours, theirs in FROM_SPEC.items():
        assert set(SCHEMA["$defs"][ours]["properties"]) == set(components[theirs]["properties"])
    top = components["IntegrationUpdateRequest"]["properties"]
    read_only = {"object_type", "id", "message"}  # ours: 'id' pins, the rest is not sent
    assert set(top) - read_only <= set(SCHEMA["properties"])
    assert SCHEMA["properties"]["type"]["enum"] == components["IntegrationType"]["enum"]
    assert SCHEMA["properties"]["status"]["enum"] == components["IntegrationStatus"]["enum"]


def _secret_paths(node: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if node.get("$ref") == "#/$defs/secretRef":
        assert node.get("x-secret") is True, path
        yield path
        return
    if "$ref" in node:
        yield from _secret_paths(SCHEMA["$defs"][node["$ref"].split("/")[-1]], path)
    for name, prop in node.get("properties", {}).items():
        yield from _secret_paths(prop, (*path, name))


def test_secrets_are_marked_where_the_provider_and_the_sandbox_keep_them() -> None:
    marked = set(_secret_paths(SCHEMA, ()))
    assert marked == set(fields.SECRET_PATHS) == set(rules.SECRET_PATHS)
    assert len(marked) == 12


def test_the_provider_and_the_sandbox_share_the_rules() -> None:
    """The provider's completeness table is the sandbox's (two rooms, one rule)."""
    from reconciler.providers.solvimon.catalog_checks import REQUIRED_TO_ACTIVATE

    assert REQUIRED_TO_ACTIVATE == rules.REQUIRED_TO_ACTIVATE
    assert fields.VARIANTS == rules.VARIANTS and fields.TYPE_OBJECTS == rules.TYPE_OBJECTS
