"""Desired + live → Plan, for any provider: read concurrently, match, diff, order, list the rest.

Why vendor-neutral: matching by id, name or a previous name, concurrency, unmanaged objects and
fingerprints are the same for every vendor; each provider only answers ``plan_change``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.errors import ConfigError, PlanError, Problem
from reconciler.live import (
    DEFAULT_PARALLELISM,
    LiveObject,
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


# What planning one desired object gave: its change, or the refusal it raised.
Planned = Change | PlanError


def plan_one(target: Target, index: int, live: LiveObject | None, options: PlanOptions) -> Planned:
    """The change for ``target.desired[index]`` given its live body, or why it is refused."""
    try:
        return target.provider.plan_change(target.desired[index], live, options)
    except PlanError as exc:
        return exc


def plan_target(
    target: Target,
    live: LiveState,
    options: PlanOptions,
    planned: Mapping[int, Planned] | None = None,
) -> tuple[list[Change], list[Unmanaged]]:
    """Plan every desired object of one provider; all refusals are raised together.

    ``planned`` holds what ``plan_one`` already gave while the read went on (build_plan); the
    catalog checks still come first, so its refusals win as when planning followed the read.
    """
    provider = target.provider
    prepare(provider, target.desired)
    live_by_name = {target.desired[i].key: live.bodies[ref.id] for i, ref in live.matches.items()}
    errors = [p for p in provider.check_live(target.desired, live_by_name) if p.severity == "error"]
    if errors:
        raise ConfigError(errors)
    done = planned or {}
    changes: list[Change] = []
    problems: list[Problem] = []
    for index in range(len(target.desired)):
        outcome = done.get(index)
        if outcome is None:
            outcome = plan_one(target, index, live.body_for(index), options)
        if isinstance(outcome, PlanError):
            problems.extend(outcome.problems)
        else:
            changes.append(outcome)
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
    chosen = options or PlanOptions()
    changes: list[Change] = []
    unmanaged: list[Unmanaged] = []
    tally = Tally(progress)
    for target in targets:
        target_changes, target_unmanaged = _read_and_plan(
            target, chosen, parallelism, tally.for_next()
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
        rotate_credentials=tuple(sorted(chosen.rotate_credentials)),
    )


def _read_and_plan(
    target: Target, options: PlanOptions, parallelism: int, progress: Progress | None
) -> tuple[list[Change], list[Unmanaged]]:
    """Read one account and plan it, each object planned as its body arrives.

    Why not plan after the read: planning a thousand objects takes a noticeable share of the
    wall time, which the Gets still in flight can hide; the catalog (``prepare``) is fetched
    beside the listing for the same reason.
    """
    planned: dict[int, Planned] = {}

    def each(index: int, body: LiveObject | None) -> None:
        planned[index] = plan_one(target, index, body, options)

    live = read_live(
        target,
        parallelism=parallelism,
        progress=progress,
        alongside=lambda: prepare(target.provider, target.desired),
        each=each,
    )
    return plan_target(target, live, options, planned)
