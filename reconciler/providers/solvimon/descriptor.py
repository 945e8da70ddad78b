"""Solvimon's self-description for the registry (no HTTP code imported here)."""

from __future__ import annotations

from reconciler.providers.descriptor import KindDescriptor, ProviderDescriptor

PROVIDER = "solvimon"
KIND = "solvimon/Integration"
ENV_URL = "SOLVIMON_API_URL"
ENV_KEY = "SOLVIMON_API_KEY"
DEFAULT_URL = "https://api.solvimon.com"

DESCRIPTOR = ProviderDescriptor(
    name=PROVIDER,
    kinds=(
        KindDescriptor(
            kind=KIND,
            schema="solvimon-integration.schema.json",
            parser="reconciler.providers.solvimon.desired:from_document",
            key="reference",
            # where x-secret fields sit: authentication, signing secrets, the BigQuery HMAC key
            secret_roots=frozenset({"authentication", "payment_gateway", "data_export"}),
        ),
    ),
    target="reconciler.providers.solvimon.provider:SolvimonProvider",
    env_url=ENV_URL,
    env_key=ENV_KEY,
    default_url=DEFAULT_URL,
    auth_header="X-API-KEY",
    env_headers=(("SOLVIMON_PLATFORM_ID", "x-platform-id"),),
)
