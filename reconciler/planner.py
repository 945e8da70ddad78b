"""Desired + live → Plan, for any provider: read concurrently, match, diff, order, list the rest.

Why vendor-neutral: matching by id, name or a previous name, concurrency, unmanaged objects and
fingerprints are the same for every vendor; each provider only answers ``plan_change``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from reconciler.errors import ApiError, ConfigError, PlanError, Problem
from reconciler.model import DesiredResource
from reconciler.plan import Change, Plan, Unmanaged
from reconciler.providers.base import LiveRef, PlanOptions, Provider

DEFAULT_PARALLELISM = 16


@dataclass
class Target:
    """One provider account and the desired objects that belong to it."""

    provider: Provider
    desired: list[DesiredResource]


@dataclass
class LiveState:
    """What was read: every listed object, and the full bodies of the matched ones."""

    refs: list[LiveRef]
    matches: dict[int, LiveRef]  # index in Target.desired -> live ref
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)

    def body_for(self, index: int) -> dict[str, Any] | None:
        ref = self.matches.get(index)
        return self.bodies.get(ref.id) if ref else None

    def unmatched(self) -> list[LiveRef]:
        taken = {r.id for r in self.matches.values()}
        return [r for r in self.refs if r.id not in taken]


def match(desired: Sequence[DesiredResource], refs: Sequence[LiveRef]) -> dict[int, LiveRef]:
    """Pair desired objects with live ones: by pinned id, else name, else a previous name.

    Raises ConfigError for a pinned id that does not exist or a live object claimed twice.
    """
    by_id = {r.id: r for r in refs}
    by_name: dict[str, list[LiveRef]] = {}
    by_exact: dict[str, list[LiveRef]] = {}
    for live_ref in refs:
        by_name.setdefault(_key(live_ref.name), []).append(live_ref)
        by_exact.setdefault(live_ref.name, []).append(live_ref)
    problems: list[Problem] = []
    matches: dict[int, LiveRef] = {}
    claimed: dict[str, int] = {}
    for index, item in enumerate(desired):
        ref: LiveRef | None = None
        if item.id:
            ref = by_id.get(item.id)
            if ref is None:
                problems.append(
                    item.document.problem(
                        ("id",),
                        f"{item.name}: id {item.id} does not exist in the account",
                        "remove 'id' to create it, or fix the id (did the API key change mode?)",
                    )
                )
                continue
        else:
            for name in (item.name, *item.previously):
                # An exact name wins; only without one does a whitespace-folded name match,
                # and then it must be the only one.
                candidates = by_exact.get(name) or by_name.get(_key(name), [])
                if len(candidates) > 1:
                    problems.append(_ambiguous(item, name, candidates))
                    break
                if candidates:
                    ref = candidates[0]
                    break
        if ref is None:
            continue
        if ref.id in claimed:
            other = desired[claimed[ref.id]]
            problems.append(
                item.document.problem(
                    (),
                    f"{item.name}: live integration {ref.name!r} ({ref.id}) is also claimed by "
                    f"{other.name!r} at {other.document.location()}",
                    "give each live integration to one document (check 'id' and 'previously')",
                )
            )
            continue
        claimed[ref.id] = index
        matches[index] = ref
    problems += _names_taken(desired, refs, matches)
    if problems:
        raise ConfigError(problems)
    return matches


def _ambiguous(item: DesiredResource, name: str, candidates: Sequence[LiveRef]) -> Problem:
    """Several live objects answer to one desired name: never pick one of them."""
    listed = ", ".join(f"{c.name!r} ({c.id})" for c in candidates)
    if all(c.name == candidates[0].name for c in candidates):
        # The vendor let two objects take one name: another run's create, or a person's.
        message = f"{item.name}: {len(candidates)} live integrations are called {name!r}: {listed}"
        hint = (
            "another run or a person created a duplicate: retire the extra one in the "
            "vendor's console, or pin the one this document manages with 'id'"
        )
    else:
        message = f"{item.name}: the name {name!r} matches several live integrations: {listed}"
        hint = "pin the one this document manages with 'id'"
    return item.document.problem(("name",), message, hint)


def shared_names(unmanaged: Sequence[Unmanaged]) -> list[str]:
    """Warnings for unmanaged live objects that share one exact name (no YAML names them).

    Why only a warning: nothing in the plan touches them, but a document naming that name
    later would be refused as ambiguous, and a vendor that allows duplicates may have had a
    create run twice.
    """
    groups: dict[tuple[str, str], list[Unmanaged]] = {}
    for item in unmanaged:
        groups.setdefault((item.provider, item.name), []).append(item)
    return [
        f"{provider}: {len(items)} unmanaged live integrations are called {name!r} "
        f"({', '.join(i.id for i in items)}); a document with that name would be refused "
        "until one is retired or the document pins an 'id'"
        for (provider, name), items in sorted(groups.items())
        if len(items) > 1
    ]


def _names_taken(
    desired: Sequence[DesiredResource], refs: Sequence[LiveRef], matches: dict[int, LiveRef]
) -> list[Problem]:
    """Desired names another live object holds: the vendor would refuse the create or rename.

    A name held by an object this plan also renames is refused too: the executor does not
    order renames among integrations, so a swap could meet the old name still in place.
    """
    holders = {r.name: r for r in refs}
    managed = {ref.id: desired[i] for i, ref in matches.items()}
    problems: list[Problem] = []
    for index, item in enumerate(desired):
        holder = holders.get(item.name)
        own = matches.get(index)
        if holder is None or (own is not None and own.id == holder.id):
            continue
        other = managed.get(holder.id)
        if other is None:
            why = "an integration no YAML manages"
            hint = "choose another name, or import that integration and retire it first"
        else:
            why = f"renamed by {other.document.location()} in this same plan"
            hint = "rename the other integration first, in a separate apply"
        problems.append(
            item.document.problem(
                ("name",),
                f"{item.name}: the name is already used by live integration {holder.id} "
                f"({why}); the vendor refuses duplicate names",
                hint,
            )
        )
    return problems


def _key(name: str) -> str:
    """Names match whatever their whitespace: a stray space must never cause a create."""
    return " ".join(name.split())


def read_live(target: Target, *, parallelism: int = DEFAULT_PARALLELISM) -> LiveState:
    """List the account, match, and Get every matched object concurrently.

    Why Gets start before the listing ends: pages come one after another, so waiting for the
    last page would add the whole listing time to every plan. The listing runs as one task of
    the pool and queues a Get for each listed object a desired one could match (by pinned id,
    else the first object of a name or previous name) as soon as its page arrives; so at most
    ``parallelism`` requests are in flight, and all of them serve Gets once the listing ends.
    Only matched bodies are kept: the rare candidate that loses (a previous name while the
    current name exists too) costs one unused Get. Errors are those of listing first, then
    matching, then Gets (by id), as if the steps ran one after another.
    """
    provider = target.provider
    ids = {item.id for item in target.desired if item.id}
    names = {
        _key(n) for item in target.desired if not item.id for n in (item.name, *item.previously)
    }
    pool = ThreadPoolExecutor(max_workers=max(1, parallelism))
    early: dict[str, Future[dict[str, Any]]] = {}
    stop = threading.Event()

    def listing() -> list[LiveRef]:
        refs = []
        for ref in provider.list_live():
            if stop.is_set():  # the caller gave up (Ctrl-C): no further pages
                break
            refs.append(ref)
            key = _key(ref.name)
            if ref.id in ids or key in names:
                names.discard(key)  # match() takes the first object of a name
                if ref.id not in early:
                    early[ref.id] = pool.submit(provider.get_live, ref.id)
        return refs

    try:
        refs = pool.submit(listing).result()
        matches = match(target.desired, refs)
        bodies: dict[str, dict[str, Any]] = {}
        who = {ref.id: ref.name for ref in matches.values()}
        for object_id in sorted(who):
            # Every matched object was foreseen while listing; submitting is only a safety net.
            future = early.get(object_id) or pool.submit(provider.get_live, object_id)
            try:
                bodies[object_id] = future.result()
            except ApiError as exc:
                raise naming(exc, f"{who[object_id]} ({object_id})") from None
    finally:
        stop.set()
        # Unused candidates still queued are dropped; nothing is left running behind the caller.
        pool.shutdown(wait=True, cancel_futures=True)
    return LiveState(refs=refs, matches=matches, bodies=bodies)


def naming(exc: ApiError, who: str) -> ApiError:
    """The same error, its message prefixed with the integration it concerns."""
    renamed = type(exc).__new__(type(exc))
    renamed.__dict__.update(exc.__dict__)
    renamed.args = (f"{who}: {exc}",)
    return renamed


def plan_target(
    target: Target, live: LiveState, options: PlanOptions
) -> tuple[list[Change], list[Unmanaged]]:
    """Plan every desired object of one provider; all refusals are raised together."""
    provider = target.provider
    provider.prepare(target.desired)
    live_by_name = {target.desired[i].name: live.bodies[ref.id] for i, ref in live.matches.items()}
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
    unmanaged = [Unmanaged(provider.name, kind, r.name, r.id) for r in live.unmatched()]
    return changes, unmanaged


def build_plan(
    targets: Sequence[Target],
    *,
    options: PlanOptions | None = None,
    parallelism: int = DEFAULT_PARALLELISM,
    config_fingerprint: str = "",
    config_paths: Sequence[str] = (),
) -> Plan:
    """The whole plan: every provider read and planned, changes sorted high risk first."""
    options = options or PlanOptions()
    changes: list[Change] = []
    unmanaged: list[Unmanaged] = []
    for target in targets:
        live = read_live(target, parallelism=parallelism)
        target_changes, target_unmanaged = plan_target(target, live, options)
        changes.extend(target_changes)
        unmanaged.extend(target_unmanaged)
    changes.sort(key=lambda c: c.sort_key)
    unmanaged.sort(key=lambda u: (u.provider, u.name.casefold(), u.id))
    return Plan(
        changes=tuple(changes),
        unmanaged=tuple(unmanaged),
        config_fingerprint=config_fingerprint,
        config_paths=tuple(config_paths),
        rotate_credentials=tuple(sorted(options.rotate_credentials)),
    )
