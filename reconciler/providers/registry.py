"""The static registry of providers: which YAML kinds each one owns and where its code lives.

Why lazy import strings: the CLI must start fast, and ``validate`` offline never needs a
provider's HTTP code. The core asks this registry; it never imports a provider directly.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderInfo:
    """How to find and reach one provider."""

    name: str
    kinds: tuple[str, ...]
    target: str  # "module:Class"
    env_url: str
    env_key: str
    default_url: str
    auth_header: str
    # (environment variable, header): extra headers sent when the variable is set
    env_headers: tuple[tuple[str, str], ...] = ()


PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo(
        name="revcent",
        kinds=("revcent/UserThirdPartyIntegration",),
        target="reconciler.providers.revcent.provider:RevCentProvider",
        env_url="REVCENT_API_URL",
        env_key="REVCENT_API_KEY",
        default_url="https://api.revcent.com",
        auth_header="x-api-key",
    ),
    ProviderInfo(
        name="solvimon",
        kinds=("solvimon/Integration",),
        target="reconciler.providers.solvimon.provider:SolvimonProvider",
        env_url="SOLVIMON_API_URL",
        env_key="SOLVIMON_API_KEY",
        default_url="https://api.solvimon.com",
        auth_header="X-API-KEY",
        env_headers=(("SOLVIMON_PLATFORM_ID", "x-platform-id"),),
    ),
)


def provider_for_kind(kind: str) -> ProviderInfo | None:
    return next((p for p in PROVIDERS if kind in p.kinds), None)


def provider_named(name: str) -> ProviderInfo:
    return next(p for p in PROVIDERS if p.name == name)


def load_class(info: ProviderInfo) -> type:
    module_name, _, class_name = info.target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]
