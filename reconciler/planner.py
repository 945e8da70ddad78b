"""Desired + live → Plan, for any provider: read concurrently, match, diff, order, list the rest.

Why vendor-neutral: matching by id, name or a previous name, concurrency, unmanaged objects and
fingerprints are the same for every vendor; each provider only answers ``plan_change``.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.errors import ConfigError, PlanError, Problem
from reconciler.live import (
    DEFAULT_PARALLELISM,
    LiveState,
    Progress,
    Tally,
    Target,
    match,
    naming,
    read_live,
)
from reconciler.plan import Change, Plan, Unmanaged
from reconciler.providers.base import PlanOptions, prepare

# Reading and matching moved to reconciler/live.py; these names stay importable from here.
__all__ = [
    "DEFAULT_PARALLELISM",
    "LiveState",
    "Target",
    "build_plan",
    "match",
    "naming",
    "plan_target",
    "read_live",
    "shared_names",
]


def shared_names(unmanaged: Sequence[Unmanaged]) -> list[str]:
    """Warnings for unmanaged live objects that share one exact name (no YAML names them).

    Why only a warning: nothing in the plan touches them, but a document naming that name
    later would be refused as ambiguous, and a vendor that allows duplicates may have had a
    create run twice.
    """
    groups: dict[tuple[str, str], list[Unmanaged]] = {}
    for item in unmanaged:
        groups.setdefault((item.provider, item.key), []).append(item)
    return [
        f"{provider}: {len(items)} unmanaged live integrations are called {name!r} "
        f"({', '.join(i.id for i in items)}); a document with that name would be refused "
        "until one is retired or the document pins an 'id'"
        for (provider, name), items in sorted(groups.items())
        if len(items) > 1
    ]


def plan_target(
    target: Target, live: LiveState, options: PlanOptions
) -> tuple[list[Change], list[Unmanaged]]:
    """Plan every desired object of one provider; all refusals are raised together."""
    provider = target.provider
    prepare(provider, target.desired)
    live_by_name = {target.desired[i].key: live.bodies[ref.id] for i, ref in live.matches.items()}
    errors = [p for p in provider.check_live(target.desired, live_by_name) if p.severity == "error"]
    if errors:
        raise ConfigError(errors)
    changes: list[Change] = []
    problems: list[Problem] = []
    for index, item in enumerate(target.desired):
        try:
            changes.append(provider.plan_change(item, live.body_for(index), options))
        except PlanError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PlanError(problems)
    kind = provider.kinds[0]
    unmanaged = [Unmanaged(provider.name, kind, r.key, r.id) for r in live.unmatched()]
    return changes, unmanaged


def build_plan(
    targets: Sequence[Target],
    *,
    options: PlanOptions | None = None,
    parallelism: int = DEFAULT_PARALLELISM,
    config_fingerprint: str = "",
    config_paths: Sequence[str] = (),
    progress: Progress | None = None,
) -> Plan:
    """The whole plan: every provider read and planned, changes sorted high risk first.

    ``progress(done, total_or_None)`` counts the Gets of every provider (a display's hook).
    """
    options = options or PlanOptions()
    changes: list[Change] = []
    unmanaged: list[Unmanaged] = []
    tally = Tally(progress)
    for target in targets:
        target_changes, target_unmanaged = _read_and_plan(
            target, options, parallelism, tally.for_next()
        )
        changes.extend(target_changes)
        unmanaged.extend(target_unmanaged)
    changes.sort(key=lambda c: c.sort_key)
    unmanaged.sort(key=lambda u: (u.provider, u.key.casefold(), u.id))
    return Plan(
        changes=tuple(changes),
        unmanaged=tuple(unmanaged),
        config_fingerprint=config_fingerprint,
        config_paths=tuple(config_paths),
        rotate_credentials=tuple(sorted(options.rotate_credentials)),
    )


def _read_and_plan(
    target: Target, options: PlanOptions, parallelism: int, progress: Progress | None
) -> tuple[list[Change], list[Unmanaged]]:
    """Read one account and plan it; the catalog (``prepare``) is fetched beside the Gets,
    so its round trip no longer follows them all."""
    live = read_live(
        target,
        parallelism=parallelism,
        progress=progress,
        alongside=lambda: prepare(target.provider, target.desired),
    )
    return plan_target(target, live, options)
