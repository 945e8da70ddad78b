"""The success/error envelopes every RevCent v2 answer carries (ids from ``ids.py``)."""

from __future__ import annotations

import time
from typing import Any

from reconciler.sandbox.ids import new_id


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
