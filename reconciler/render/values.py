"""How one value reads in a plan or report, shared by the text and Markdown renderers."""

from __future__ import annotations

import json
from typing import Any

from reconciler.plan import FieldChange, redact


def show(value: Any) -> str:
    """A value as people read it: JSON scalars and lists, ``(none)`` for absent."""
    if value is None:
        return "(none)"
    return json.dumps(redact(value), ensure_ascii=False)


def show_field(change: FieldChange) -> tuple[str, str]:
    """Before and after of a field; sensitive fields never show a value."""
    if change.sensitive:
        return _sensitive(change.before), _sensitive(change.after)
    return show(change.before), show(change.after)


def _sensitive(value: Any) -> str:
    return value if value in ("(saved)", "(not saved)") else "(sensitive)"


def body_json(body: Any) -> str:
    """A request body on one line, secrets replaced."""
    return json.dumps(redact(body), ensure_ascii=False, separators=(", ", ": "))
