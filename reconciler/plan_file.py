"""Reading a saved plan (``plan --out``) back into a Plan, refusing damaged or foreign files.

Why apart from the JSON renderer: renderers are pure (Plan in, text out); reading raises on
bad input, so it lives with the core. ``tests/render/test_plan_outputs.py`` round-trips both.
"""

from __future__ import annotations

from typing import Any

from reconciler.errors import ConfigError
from reconciler.plan import (
    FORMAT_VERSION,
    INTENTS,
    Change,
    FieldChange,
    Intent,
    Plan,
    Step,
    Unmanaged,
)


def plan_from_data(data: Any, source: str = "plan file") -> Plan:
    """Read a saved plan back; a wrong or unknown format is a clear ConfigError."""
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        found = data.get("format_version") if isinstance(data, dict) else None
        raise ConfigError(
            f"{source}: not a reconciler plan of format_version {FORMAT_VERSION} "
            f"(found {found!r}); create it again with 'reconciler plan --out'"
        )
    try:
        changes = tuple(
            Change(
                provider=c["provider"],
                kind=c["kind"],
                key=c["name"],
                id=c["id"],
                action=c["action"],
                source=c["source"],
                fields=tuple(
                    FieldChange(f["path"], f["before"], f["after"], f["risk"], f["sensitive"])
                    for f in c["fields"]
                ),
                steps=tuple(
                    Step(
                        s["operation"],
                        s["method"],
                        s["path"],
                        s["body"],
                        s["risk"],
                        s["purpose"],
                        intent=_intent(s["intent"]),
                        target=s["target"],
                        recheck=s["recheck"],
                    )
                    for s in c["steps"]
                ),
                notes=tuple(c.get("notes", ())),
                live_fingerprint=c.get("live_fingerprint"),
                retires=c.get("retires", False),
                affects=tuple(c.get("affects", ())),
            )
            for c in data["changes"]
        )
        unmanaged = tuple(
            Unmanaged(u["provider"], u["kind"], u["name"], u["id"]) for u in data["unmanaged"]
        )
        config = data["config"]
        rotate = tuple(data.get("options", {}).get("rotate_credentials", ()))
        return Plan(changes, unmanaged, config["fingerprint"], tuple(config["paths"]), rotate)
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{source}: the plan is damaged ({exc!r} missing or wrong)") from None


def _intent(value: Any) -> Intent:
    for intent in INTENTS:
        if value == intent:
            return intent
    raise TypeError(f"intent {value!r}")
