"""Answer bodies as JSON text: each site's part encoded once, each stored row's view once.

Why: a user integration's answer is mostly its site's catalog entry, the same for every
record of that site that sees the same assets; copying and encoding it (and decoding the
row) for every Get and every list item was most of the sandbox's own CPU per request. The
text is exactly what ``json.dumps`` makes of the whole body (tests compare them byte for
byte): an encoded part is spliced in where ``json.dumps`` would have put it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.store import Integration, Row
from reconciler.sandbox.revcent.views import (
    SITE_KEY,
    AssetChoices,
    asset_choices,
    integration_fields,
    site_of,
    site_view_with,
)

# Rows whose view is remembered per account: a plan benchmark of N=10,000 lists then gets
# each, so fewer would miss every time (LRU); ~1.3 kB each (the site part is shared).
ROWS_KEPT = 16_384


class RowViews:
    """``json.dumps(integration_view(decode(row)))`` of stored rows, remembered by row.

    Why safe: the key is the whole row as just read from SQLite (every request still reads
    it), and the view is a pure function of the row under one database's salt (one
    ``RowViews`` per account); a write makes another row, so nothing stale is ever served.
    """

    def __init__(self, decode: Callable[[Row], Integration], kept: int = ROWS_KEPT):
        self._decode = decode
        self._parts = lru_cache(maxsize=kept)(self._encode)

    def __call__(self, row: Row) -> str:
        start, site = self._parts(row)
        return f"{start}{site}}}"

    def _encode(self, row: Row) -> tuple[str, str]:
        """The view's text up to its site's, and the site's (shared with every such row)."""
        rec = self._decode(row)
        site = site_of(rec)
        start = f"{json.dumps(integration_fields(rec))[:-1]}, {json.dumps(SITE_KEY)}: "
        return start, site_json(site["id"], asset_choices(site, rec))


def with_last(head: dict[str, Any], key: str, encoded: str) -> str:
    """``json.dumps({**head, key: value})`` where ``encoded`` is ``json.dumps(value)`` and
    ``key`` is not in ``head``."""
    start = json.dumps(head)[:-1]
    return f"{start}{', ' if head else ''}{json.dumps(key)}: {encoded}}}"


def merged(head: dict[str, Any], encoded: str) -> str:
    """``json.dumps({**head, **obj})`` where ``encoded`` is ``json.dumps(obj)`` of a non-empty
    object with no key of ``head``."""
    start = json.dumps(head)[:-1]
    return f"{start}{', ' if head else ''}{encoded[1:]}"


def array(encoded: list[str]) -> str:
    """``json.dumps(values)`` where ``encoded`` holds each value's ``json.dumps``."""
    return f"[{', '.join(encoded)}]"


def site_json(site_id: str, choices: AssetChoices) -> str:
    """``json.dumps(site_view_with(site, choices))``; bounded: choices come from the catalog."""
    return _site_json(site_id, choices)


@lru_cache(maxsize=1024)
def _site_json(site_id: str, choices: AssetChoices) -> str:
    site = catalog.site_integration(site_id)
    assert site is not None, site_id
    return json.dumps(site_view_with(site, choices))
