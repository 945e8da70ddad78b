"""Vendor ids and the success/error envelopes every RevCent v2 answer carries."""

from __future__ import annotations

import random
import string
import time
from typing import Any

_ALPHABET = string.ascii_letters + string.digits
# Ids need to be unguessable-looking and unique, not secret: SystemRandom avoids a shared seed
# making two sandboxes hand out the same ids.
_rng = random.SystemRandom()


def new_id() -> str:
    """A 20-character alphanumeric id, the vendor's id format."""
    return "".join(_rng.choices(_ALPHABET, k=20))


def success(**fields: Any) -> dict[str, Any]:
    """``{api_call_id, api_call_unix, code: 1, **fields}``."""
    return {"api_call_id": new_id(), "api_call_unix": int(time.time()), "code": 1, **fields}


def failure(error_code: str, message: str) -> dict[str, Any]:
    """The vendor's ``APIStandardErrors`` body."""
    return {
        "api_call_id": new_id(),
        "api_call_unix": int(time.time()),
        "code": 0,
        "error_code": error_code,
        "message": message,
        "result": "error",
    }
