"""RevCent's self-description for the registry (no HTTP code imported here)."""

from __future__ import annotations

from reconciler.providers.descriptor import KindDescriptor, ProviderDescriptor

PROVIDER = "revcent"
KIND = "revcent/UserThirdPartyIntegration"
ENV_URL = "REVCENT_API_URL"
ENV_KEY = "REVCENT_API_KEY"
DEFAULT_URL = "https://api.revcent.com"

DESCRIPTOR = ProviderDescriptor(
    name=PROVIDER,
    kinds=(
        KindDescriptor(
            kind=KIND,
            schema="revcent-integration.schema.json",
            parser="reconciler.providers.revcent.desired:from_document",
            secret_roots=frozenset({"credentials"}),
        ),
    ),
    target="reconciler.providers.revcent.provider:RevCentProvider",
    env_url=ENV_URL,
    env_key=ENV_KEY,
    default_url=DEFAULT_URL,
    auth_header="x-api-key",
)
