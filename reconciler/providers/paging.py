"""A listing a provider can hand to the live reader to be read several pages at a time.

Why a value and not a method on the provider: ``list_live`` stays a plain iterable (a test
double may yield refs from memory), and the reader only pages speculatively when the listing
says it can fetch any page on its own. The provider knows its paths and when a page is the
last; the reader (reconciler/live.py) knows nothing of either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from reconciler.http import PageGuard
from reconciler.providers.base import LiveRef


@dataclass(frozen=True)
class ListedPage:
    """One page of a listing: its objects, and whether a later page may hold more."""

    refs: list[LiveRef]
    more: bool  # a full page, or the server says more pages follow
    pages: int | None = None  # the number of pages, when the server says


class PagedListing:
    """Every live object, page by page; ``fetch`` may run for several pages at once.

    ``fetch(page)`` must be safe to call from several threads and in any order. ``accept`` must
    be called in page order (1, 2, …): it is where a server that ignores ``page`` or never
    stops paging is caught (the guard's repeated-id and page-cap checks).
    """

    def __init__(self, fetch: Callable[[int], ListedPage], guard: PageGuard):
        self._fetch = fetch
        self._guard = guard

    def fetch(self, page: int) -> ListedPage:
        return self._fetch(page)

    def accept(self, page: int, listed: ListedPage) -> None:
        """Raise MalformedResponse if ``page`` is past the cap or repeats an earlier id."""
        self._guard.check_ids(page, [ref.id for ref in listed.refs])

    def __iter__(self) -> Iterator[LiveRef]:
        """One page after another until the last: for callers that read sequentially."""
        page = 1
        while True:
            listed = self.fetch(page)
            self.accept(page, listed)
            yield from listed.refs
            if not listed.more:
                return
            page += 1
