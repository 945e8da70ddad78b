"""Desired + live → DriftReport: which managed fields differ live, what is missing or unmanaged.

Why its own module beside the planner: drift is read-only and must keep going where a plan
refuses. A pinned ``id`` that no longer exists is an error for ``plan`` (it cannot tell what to
do) but, for a scheduled drift check, it is exactly the news: the integration is "missing".
Which fields count, and what equal means, is each provider's ``drift`` (the same normalisation
as planning, so an account just applied never shows drift).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reconciler.live import DEFAULT_PARALLELISM, Progress, Tally, Target, read_live
from reconciler.model import DesiredResource
from reconciler.plan import Unmanaged

FORMAT_VERSION = 1
Status = Literal["drifted", "missing", "in_sync"]
STATUS_ORDER = {"missing": 0, "drifted": 1, "in_sync": 2}


@dataclass(frozen=True)
class DriftField:
    """One managed field whose live value is not the one the YAML asks for."""

    path: str
    desired: Any
    live: Any
    sensitive: bool = False


@dataclass(frozen=True)
class DriftItem:
    """One desired integration and how the account holds it."""

    provider: str
    kind: str
    name: str
    id: str | None  # the live id; for "missing", the pinned id if any
    status: Status
    source: str  # file:line of the YAML document
    fields: tuple[DriftField, ...] = ()

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (STATUS_ORDER[self.status], self.name.casefold(), self.id or "")


@dataclass(frozen=True)
class DriftReport:
    """The whole check: every desired integration's status, and the unmanaged live ones."""

    items: tuple[DriftItem, ...]
    unmanaged: tuple[Unmanaged, ...] = ()
    config_paths: tuple[str, ...] = ()
    format_version: int = FORMAT_VERSION

    def with_status(self, status: Status) -> tuple[DriftItem, ...]:
        return tuple(i for i in self.items if i.status == status)

    def has_drift(self, *, count_unmanaged: bool = False) -> bool:
        """Drift is a drifted or missing integration; unmanaged ones only when asked."""
        if any(i.status != "in_sync" for i in self.items):
            return True
        return count_unmanaged and bool(self.unmanaged)

    def summary(self) -> dict[str, int]:
        return {
            "drifted": len(self.with_status("drifted")),
            "missing": len(self.with_status("missing")),
            "in_sync": len(self.with_status("in_sync")),
            "unmanaged": len(self.unmanaged),
        }

    def summary_line(self) -> str:
        s = self.summary()
        return (
            f"{s['drifted']} drifted, {s['missing']} missing, {s['in_sync']} in sync, "
            f"{s['unmanaged']} unmanaged"
        )


def detect_drift(
    targets: Sequence[Target],
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    config_paths: Sequence[str] = (),
    progress: Progress | None = None,
) -> DriftReport:
    """Read every target's account and compare; sends nothing (``progress``: as build_plan)."""
    items: list[DriftItem] = []
    unmanaged: list[Unmanaged] = []
    tally = Tally(progress)
    for target in targets:
        target_items, target_unmanaged = _target_drift(target, parallelism, tally.for_next())
        items.extend(target_items)
        unmanaged.extend(target_unmanaged)
    items.sort(key=lambda i: i.sort_key)
    unmanaged.sort(key=lambda u: (u.provider, u.key.casefold(), u.id))
    return DriftReport(tuple(items), tuple(unmanaged), tuple(config_paths))


def _target_drift(
    target: Target, parallelism: int, progress: Progress | None
) -> tuple[list[DriftItem], list[Unmanaged]]:
    provider = target.provider
    # A pinned id that is gone is "missing", not an error: read_live would refuse it.
    live = read_live(target, parallelism=parallelism, missing_ok=True, progress=progress)
    kind = provider.kinds[0]
    items = [_missing(provider.name, target.desired[i]) for i in live.missing]
    for index, desired in enumerate(target.desired):
        if index in live.missing:
            continue
        ref = live.matches.get(index)
        if ref is None:
            items.append(_missing(provider.name, desired))
            continue
        changes = provider.drift(desired, live.bodies[ref.id])
        # Providers speak the plan's language (before = live, after = desired).
        fields = tuple(DriftField(c.path, c.after, c.before, c.sensitive) for c in changes)
        items.append(
            DriftItem(
                provider.name,
                desired.kind,
                desired.key,
                ref.id,
                "drifted" if fields else "in_sync",
                _source(desired),
                fields,
            )
        )
    unmanaged = [Unmanaged(provider.name, kind, r.key, r.id) for r in live.unmatched()]
    return items, unmanaged


def _missing(provider: str, desired: DesiredResource) -> DriftItem:
    return DriftItem(provider, desired.kind, desired.key, desired.id, "missing", _source(desired))


def _source(desired: DesiredResource) -> str:
    return str(desired.document.location())
