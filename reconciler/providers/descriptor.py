"""What a provider says about itself, in one place, without importing its HTTP code.

Why: the core needs to know, before any network, which kinds a provider owns, which schema
checks them, where secrets sit in its documents, and how to reach its API (environment
variables, default URL, auth header). One frozen value per vendor, read by the registry from
a light module (``<package>.descriptor``) or an entry point, so a third-party provider plugs
in by publishing one, and nothing else in the core names a vendor.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KindDescriptor:
    """One kind of YAML document a provider owns."""

    kind: str  # "vendor/Thing", the document's `kind:`
    schema: str  # a file name under the package's schemas/, or an absolute path (plugins)
    parser: str  # "module:function" taking a schema-valid Document
    key: str = "name"  # the document key naming the object: unique across files, matched live
    # Top-level keys whose values are secrets or secret references: messages about them never
    # show the value written (a literal secret pasted by mistake stays out of CI logs).
    secret_roots: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ProviderDescriptor:
    """One vendor: its kinds, where its code lives, how to reach its API."""

    name: str  # "revcent": the provider's name in plans, journals, PROVIDER:NAME options
    kinds: tuple[KindDescriptor, ...]
    target: str  # "module:Class" of the Provider, imported only when an API is used
    env_url: str  # environment variable overriding the API's base URL
    env_key: str  # environment variable holding the API key (never a command-line flag)
    default_url: str
    auth_header: str
    # (environment variable, header): extra headers sent when the variable is set
    env_headers: tuple[tuple[str, str], ...] = ()

    @property
    def kind_names(self) -> tuple[str, ...]:
        return tuple(k.kind for k in self.kinds)
