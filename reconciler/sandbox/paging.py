"""``limit`` and ``page`` of a list request, read the same strict way for both vendors.

Why a bound on ``page``: SQLite's OFFSET is a signed 64-bit integer, so ``page=10**30`` used
to reach it and fail as a 500; no real account has a billion pages. Only ASCII digits count
(``str.isdigit`` also accepts ``²``, which ``int`` then refuses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MAX_PAGE = 1_000_000_000  # [assumed]: neither vendor documents a bound
_DIGITS = re.compile(r"[0-9]{1,10}")


def count_param(query: Mapping[str, str], name: str, default: int, top: int) -> int | None:
    """The value of ``name`` if it is an integer within 1..top, else None (a 400 to answer)."""
    raw = query.get(name, str(default)).strip()
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= top else None


def bounds(top: int) -> str:
    """How a refusal names the allowed range."""
    return f"an integer within 1..{top}"
