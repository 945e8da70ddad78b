"""RevCent's integration types and the RevCent features that rely on each.

Why a table of its own: the vendor's guide (seed 002) asks to confirm the type before relying
on an integration and, before disabling one, to consider the features that use it. Discovery,
the catalog checks, verification and the plan's disable note all read this one table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# site_third_party_integration.integration_type (seed 003's enum) -> features using it [doc]
DEPENDENTS: dict[str, tuple[str, ...]] = {
    "tax": ("Tax Profiles",),
    "shipping": ("Shipping/tracking workflows",),
    "offline_payment": ("Offline Payments",),
    "ai": ("AI Assistants",),
    "ai_voice": ("AI Voice Agents",),
}
TYPES: tuple[str, ...] = tuple(DEPENDENTS)


def integration_type(site: Mapping[str, Any] | None) -> str | None:
    """The ``integration_type`` of a site integration object, or None when it has none."""
    value = (site or {}).get("integration_type")
    return value if isinstance(value, str) and value else None


def dependents(kind: str | None) -> tuple[str, ...]:
    """The RevCent features that may use an integration of type ``kind``."""
    return DEPENDENTS.get(kind or "", ())


def disable_note(kind: str | None) -> str:
    """The plan's note for a disable: what may stop, so a reviewer checks it first."""
    features = dependents(kind)
    if not features:
        return (
            "disabling stops every RevCent feature using this integration (its type is "
            "unknown): check them first"
        )
    return (
        f"disabling may stop RevCent {', '.join(features)} using this integration "
        f"(type {kind}): check them first"
    )
