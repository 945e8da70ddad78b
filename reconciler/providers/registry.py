"""The registry of providers: built-in descriptor modules plus any installed plugins.

Why descriptors and lazy targets: the CLI must start fast, and ``validate`` offline never
needs a provider's HTTP code, so the registry reads only each provider's light
``descriptor`` module; the Provider class is imported when an API is used. A third-party
provider package plugs in by declaring an entry point in the ``reconciler.providers`` group
whose object is a ``ProviderDescriptor``; nothing in the core changes.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from reconciler.errors import ReconcilerError
from reconciler.providers.descriptor import KindDescriptor, ProviderDescriptor

# The built-in providers, by module; each module defines DESCRIPTOR.
BUILTIN_MODULES = (
    "reconciler.providers.revcent.descriptor",
    "reconciler.providers.solvimon.descriptor",
)
ENTRY_POINT_GROUP = "reconciler.providers"

ProviderInfo = ProviderDescriptor  # the name the rest of the code has used


class RegistryError(ReconcilerError):
    """Two providers claim one name or kind, or a plugin's entry point is not a descriptor."""


@cache
def all_providers() -> tuple[ProviderDescriptor, ...]:
    """Every provider, built-ins first, then plugins by entry-point name; checked once."""
    found: list[ProviderDescriptor] = [
        importlib.import_module(module).DESCRIPTOR for module in BUILTIN_MODULES
    ]
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        try:
            loaded = point.load()
        except Exception as exc:  # a broken plugin must say so, not crash the CLI
            raise RegistryError(
                f"provider plugin {point.name!r} ({point.value}) cannot be loaded: "
                f"{type(exc).__name__}: {exc}; reinstall or remove that package"
            ) from None
        if not isinstance(loaded, ProviderDescriptor):
            raise RegistryError(
                f"provider plugin {point.name!r} ({point.value}) is not a ProviderDescriptor"
            )
        found.append(loaded)
    _check_unique(found)
    return tuple(found)


def _check_unique(found: list[ProviderDescriptor]) -> None:
    names: set[str] = set()
    kinds: dict[str, str] = {}
    for info in found:
        if info.name in names:
            raise RegistryError(f"two providers are called {info.name!r}; uninstall one")
        names.add(info.name)
        for kind in info.kind_names:
            if kind in kinds:
                raise RegistryError(
                    f"kind {kind!r} is claimed by providers {kinds[kind]!r} and {info.name!r}"
                )
            kinds[kind] = info.name


@cache
def all_kinds() -> tuple[KindDescriptor, ...]:
    """Every kind of every provider (asked once per document: made once, as all_providers)."""
    return tuple(kind for info in all_providers() for kind in info.kinds)


@cache
def kinds_by_name() -> dict[str, KindDescriptor]:
    return {kind.kind: kind for kind in all_kinds()}


def provider_for_kind(kind: str) -> ProviderDescriptor | None:
    return next((p for p in all_providers() if kind in p.kind_names), None)


def provider_named(name: str) -> ProviderDescriptor:
    return next(p for p in all_providers() if p.name == name)


def load_class(info: ProviderDescriptor) -> type:
    module_name, _, class_name = info.target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]
