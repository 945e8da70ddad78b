"""The one live reader: list an account (paging ahead), match it to YAML, Get what is needed.

Why one: plan, drift, import and ``validate --live`` all read the same way, so all of them get
the same pipelining (Gets start while later pages are still coming), the same bounds on what
is in flight (``parallelism`` requests, each paced by the provider's rate limiter) and the same
matching rule (``natural_key``). What each command does with the bodies is its own business.

Paging: a provider whose ``list_live`` returns a ``PagedListing`` is read several pages at a
time once its pages prove full and the server proves it honours ``page`` (page 2 repeats no id
of page 1); any other iterable is read as it comes, in one worker.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from reconciler.errors import ApiError, ConfigError, Problem
from reconciler.model import DesiredResource
from reconciler.providers.base import AnyProvider, LiveRef
from reconciler.providers.paging import ListedPage, PagedListing
from reconciler.ratelimit import urgent

DEFAULT_PARALLELISM = 16
MAX_WINDOW = 4  # list pages in flight at most (also at most half the parallelism)

# Called as (Gets done, Gets in all or None while listing goes on), never concurrently.
Progress = Callable[[int, int | None], None]

# What a provider's get_live returns (its own parsed type): the reader never looks inside.
LiveObject = Any


def natural_key(name: str) -> str:
    """Names match whatever their whitespace: a stray space must never cause a create."""
    return " ".join(name.split())


@dataclass
class Target:
    """One provider account and the desired objects that belong to it."""

    provider: AnyProvider
    desired: list[DesiredResource]


@dataclass
class LiveState:
    """What was read: every listed object, and the full bodies of the matched ones."""

    refs: list[LiveRef]
    matches: dict[int, LiveRef]  # index in Target.desired -> live ref
    bodies: dict[str, LiveObject] = field(default_factory=dict)
    # Indexes of desired objects whose pinned id is not listed (only with missing_ok)
    missing: tuple[int, ...] = ()

    def body_for(self, index: int) -> LiveObject | None:
        ref = self.matches.get(index)
        return self.bodies.get(ref.id) if ref else None

    def unmatched(self) -> list[LiveRef]:
        taken = {r.id for r in self.matches.values()}
        return [r for r in self.refs if r.id not in taken]


def naming(exc: ApiError, who: str) -> ApiError:
    """The same error, its message prefixed with the integration it concerns."""
    renamed = type(exc).__new__(type(exc))
    renamed.__dict__.update(exc.__dict__)
    renamed.args = (f"{who}: {exc}",)
    return renamed


# -- reading ------------------------------------------------------------------------------


def read_live(
    target: Target,
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    missing_ok: bool = False,
    progress: Progress | None = None,
    alongside: Callable[[], None] | None = None,
) -> LiveState:
    """List the account, match, and Get every matched object concurrently.

    A Get is queued for each listed object a desired one could match (by pinned id, else the
    first object of a name or previous name) as soon as its page arrives; only matched bodies
    are kept: the rare candidate that loses (a previous name while the current name exists
    too) costs one unused Get. Errors are those of listing first, then matching, then Gets (by
    id), as if the steps ran one after another.

    ``missing_ok`` (drift): a pinned id the account does not list is reported in
    ``LiveState.missing`` instead of refused.

    ``alongside`` (planning's catalog) is one more task for the pool, queued ahead of the
    waiting Gets once the listing is read and matched, so its round trip hides behind theirs;
    a listing or a match that fails costs no request more. Its error is raised after the
    Gets'. (Planning each body as it arrived was measured too: no faster, and 10% more CPU
    at N = 10,000, the caller's thread taking the GIL from the readers.)
    """
    desired = target.desired
    ids = {item.id for item in desired if item.id}
    names = {
        natural_key(n) for item in desired if not item.id for n in (item.key, *item.previously)
    }

    def wanted(ref: LiveRef) -> bool:
        key = natural_key(ref.key)
        if ref.id in ids or key in names:
            names.discard(key)  # match() takes the first object of a name
            return True
        return False

    with Reading(parallelism, progress) as reading:
        listing = reading.list(target.provider, wanted)
        reading.listed()
        refs = listing.refs()
        missing: tuple[int, ...] = ()
        if missing_ok:
            live_ids = {r.id for r in refs}
            missing = tuple(i for i, d in enumerate(desired) if d.id and d.id not in live_ids)
        gone = set(missing)
        present = [i for i in range(len(desired)) if i not in gone]
        found = match([desired[i] for i in present], refs)
        matches = {present[i]: ref for i, ref in found.items()}
        who = {ref.id: ref.key for ref in matches.values()}
        beside = reading.task(alongside) if alongside is not None else None
        bodies = listing.bodies(who)
        if beside is not None:
            beside.result()
    return LiveState(refs=refs, matches=matches, bodies=bodies, missing=missing)


class Tally:
    """One progress count across several readers (one per provider), for a single display.

    ``for_next()`` gives the hook of the next reader: its counts are added to those of the
    readers before it, and the total is known only once the last one has listed.
    """

    def __init__(self, progress: Progress | None):
        self._progress = progress
        self._base = 0

    def for_next(self) -> Progress | None:
        if self._progress is None:
            return None
        base, report = self._base, self._progress

        def hook(done: int, total: int | None) -> None:
            self._base = base + done
            report(base + done, None if total is None else base + total)

        return hook


def read_all(
    providers: Sequence[AnyProvider],
    *,
    keep: Callable[[LiveRef], bool] = lambda ref: True,
    parallelism: int = DEFAULT_PARALLELISM,
    progress: Progress | None = None,
    check: Callable[[list[list[LiveRef]]], None] = lambda refs: None,
) -> list[tuple[AnyProvider, LiveRef, LiveObject]]:
    """Every listed object ``keep`` accepts, with its body, provider by provider (import).

    ``check`` sees every provider's kept refs once all are listed, before any Get is waited
    for: it may raise (an unknown name) so that no Get error hides the user's mistake.
    """
    with Reading(parallelism, progress) as reading:
        listings = [(p, reading.list(p, keep)) for p in providers]
        reading.listed()
        kept = [[r for r in listing.refs() if keep(r)] for _, listing in listings]
        check(kept)
        result = []
        for (provider, listing), refs in zip(listings, kept, strict=True):
            bodies = listing.bodies({r.id: r.key for r in refs}, order=[r.id for r in refs])
            result += [(provider, r, bodies[r.id]) for r in refs]
    return result


class Reading:
    """One read of one or more accounts: a worker pool shared by its listings and Gets.

    Why a priority pool and not ThreadPoolExecutor: list pages must not queue behind the Gets
    of earlier pages, or the listing would slow down exactly as the Gets pile up.
    """

    def __init__(self, parallelism: int, progress: Progress | None = None):
        self.parallelism = max(1, parallelism)
        self._pool = _PriorityPool(self.parallelism)
        self._progress = progress
        self._lock = threading.Lock()
        self._done = 0
        self._total: int | None = None
        self._queued = 0
        self.stop = threading.Event()

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        # Unused candidates still queued are dropped; nothing is left running behind the caller.
        self._pool.shutdown()

    def list(self, provider: AnyProvider, wanted: Callable[[LiveRef], bool]) -> _Listing:
        """List ``provider``'s account, queuing a Get for each ref ``wanted`` accepts."""
        listing = _Listing(self, provider)
        listing.run(wanted)
        return listing

    def listed(self) -> None:
        """Every listing is over: the number of Gets is known (for the progress hook)."""
        with self._lock:
            self._total = self._queued
            self._report()

    def get(self, provider: AnyProvider, object_id: str) -> Future[LiveObject]:
        with self._lock:
            self._queued += 1
            if self._total is not None:
                self._total = self._queued
        return self._pool.submit(1, self._counted, provider, object_id)

    def _counted(self, provider: AnyProvider, object_id: str) -> LiveObject:
        try:
            return provider.get_live(object_id)
        finally:
            with self._lock:
                self._done += 1
                self._report()

    def _report(self) -> None:
        """Tell the progress hook (the caller holds the lock: calls never overlap)."""
        if self._progress is not None:
            self._progress(self._done, self._total)

    def page(self, listing: PagedListing, page: int) -> Future[ListedPage]:
        return self._pool.submit(0, _urgently, listing.fetch, page)

    def task(self, func: Callable[[], Any]) -> Future[Any]:
        return self._pool.submit(0, _urgently, func)


def _urgently(func: Callable[..., Any], *args: Any) -> Any:
    """Run ``func`` with its requests ahead of the Gets waiting on the rate limiter."""
    with urgent():
        return func(*args)


class _Listing:
    """The refs of one provider's listing, and the Gets queued while it was read."""

    def __init__(self, reading: Reading, provider: AnyProvider):
        self._reading = reading
        self._provider = provider
        self._refs: list[LiveRef] = []
        self._early: dict[str, Future[LiveObject]] = {}

    def refs(self) -> list[LiveRef]:
        return self._refs

    def run(self, wanted: Callable[[LiveRef], bool]) -> None:
        source = self._provider.list_live()
        if isinstance(source, PagedListing):
            self._paged(source, wanted)
        else:
            # A plain iterable: read in one worker, so it counts against the parallelism.
            self._reading.task(lambda: self._take(source, wanted)).result()

    def _take(self, refs: Iterable[LiveRef], wanted: Callable[[LiveRef], bool]) -> None:
        for ref in refs:
            if self._reading.stop.is_set():  # the caller gave up (Ctrl-C): no further pages
                return
            self._add(ref, wanted)

    def _add(self, ref: LiveRef, wanted: Callable[[LiveRef], bool]) -> None:
        self._refs.append(ref)
        if wanted(ref) and ref.id not in self._early:
            self._early[ref.id] = self._reading.get(self._provider, ref.id)

    def _paged(self, listing: PagedListing, wanted: Callable[[LiveRef], bool]) -> None:
        """Pages in order, with up to ``window`` of the next ones already asked for.

        The window is 1 until page 2 is accepted (a server that ignores ``page`` is caught
        after two requests, as when reading one page at a time), then grows by one per full
        page up to MAX_WINDOW (and half the parallelism, so Gets keep workers too). Pages asked
        for past the last one are dropped unread, errors and all.
        """
        cap = max(1, min(MAX_WINDOW, self._reading.parallelism // 2))
        window = 1
        asked: dict[int, Future[ListedPage]] = {}
        following = 1  # the next page to accept
        last: int | None = None  # the last page, once the server says or a page is short
        try:
            while True:
                limit = following + window - 1
                if last is not None:
                    limit = min(limit, last)
                for page in range(following, limit + 1):
                    if page not in asked:
                        asked[page] = self._reading.page(listing, page)
                listed = asked.pop(following).result()
                if self._reading.stop.is_set():
                    return
                listing.accept(following, listed)
                for ref in listed.refs:
                    self._add(ref, wanted)
                if not listed.more:
                    return
                if listed.pages is not None:
                    last = listed.pages
                if following >= 2:
                    window = min(cap, window + 1)
                following += 1
        finally:
            for future in asked.values():
                future.cancel()

    def bodies(
        self, who: Mapping[str, str], *, order: Sequence[str] | None = None
    ) -> dict[str, LiveObject]:
        """The body of every id in ``who`` (id -> name); the first failing Get by ``order``
        (sorted ids by default) is raised, named."""
        futures = {i: self._early.get(i) or self._reading.get(self._provider, i) for i in who}
        bodies: dict[str, LiveObject] = {}
        for object_id in order if order is not None else sorted(who):
            try:
                bodies[object_id] = futures[object_id].result()
            except ApiError as exc:
                raise naming(exc, f"{who[object_id]} ({object_id})") from None
        return bodies


class _PriorityPool:
    """At most ``workers`` threads running queued calls, the lowest priority number first.

    Threads start on demand, as ThreadPoolExecutor's do (an idle one is reused first);
    ``shutdown`` cancels what is still queued and waits for what runs.
    """

    def __init__(self, workers: int):
        self._workers = workers
        self._queue: queue.PriorityQueue[tuple[int, int, Any]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._threads: list[threading.Thread] = []
        self._idle = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, priority: int, func: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                future.cancel()
                return future
            self._queue.put((priority, next(self._order), (future, func, args)))
            if not self._idle.acquire(blocking=False) and len(self._threads) < self._workers:
                thread = threading.Thread(target=self._work, daemon=True, name="live-reader")
                self._threads.append(thread)
                thread.start()
        return future

    def _work(self) -> None:
        while True:
            _, _, item = self._queue.get()
            if item is None:
                return
            future, func, args = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(func(*args))
                except BaseException as exc:  # handed to the waiting caller
                    future.set_exception(exc)
            self._idle.release()

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                _, _, item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put((2, next(self._order), None))
        for thread in self._threads:
            thread.join()


# -- matching -----------------------------------------------------------------------------


def match(desired: Sequence[DesiredResource], refs: Sequence[LiveRef]) -> dict[int, LiveRef]:
    """Pair desired objects with live ones: by pinned id, else name, else a previous name.

    Raises ConfigError for a pinned id that does not exist or a live object claimed twice.
    """
    by_id = {r.id: r for r in refs}
    by_name: dict[str, list[LiveRef]] = {}
    by_exact: dict[str, list[LiveRef]] = {}
    for live_ref in refs:
        by_name.setdefault(natural_key(live_ref.key), []).append(live_ref)
        by_exact.setdefault(live_ref.key, []).append(live_ref)
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
                        f"{item.key}: id {item.id} does not exist in the account",
                        "remove 'id' to create it, or fix the id (did the API key change mode?)",
                    )
                )
                continue
        else:
            for name in (item.key, *item.previously):
                # An exact name wins; only without one does a whitespace-folded name match,
                # and then it must be the only one.
                candidates = by_exact.get(name) or by_name.get(natural_key(name), [])
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
                    f"{item.key}: live integration {ref.key!r} ({ref.id}) is also claimed by "
                    f"{other.key!r} at {other.document.location()}",
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
    listed = ", ".join(f"{c.key!r} ({c.id})" for c in candidates)
    if all(c.key == candidates[0].key for c in candidates):
        # The vendor let two objects take one name: another run's create, or a person's.
        message = f"{item.key}: {len(candidates)} live integrations are called {name!r}: {listed}"
        hint = (
            "another run or a person created a duplicate: retire the extra one in the "
            "vendor's console, or pin the one this document manages with 'id'"
        )
    else:
        message = f"{item.key}: the name {name!r} matches several live integrations: {listed}"
        hint = "pin the one this document manages with 'id'"
    return item.document.problem(("name",), message, hint)


def _names_taken(
    desired: Sequence[DesiredResource], refs: Sequence[LiveRef], matches: dict[int, LiveRef]
) -> list[Problem]:
    """Desired names another live object holds: the vendor would refuse the create or rename.

    A name held by an object this plan also renames is refused too: the executor does not
    order renames among integrations, so a swap could meet the old name still in place.
    """
    holders = {r.key: r for r in refs}
    managed = {ref.id: desired[i] for i, ref in matches.items()}
    problems: list[Problem] = []
    for index, item in enumerate(desired):
        holder = holders.get(item.key)
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
                f"{item.key}: the name is already used by live integration {holder.id} "
                f"({why}); the vendor refuses duplicate names",
                hint,
            )
        )
    return problems
