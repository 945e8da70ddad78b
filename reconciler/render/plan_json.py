"""The JSON form of a plan (``schemas/plan.schema.json``), and reading a saved plan back.

Why one module for both directions: a saved plan must round-trip exactly, so the writer and
reader of ``format_version`` live side by side. Secrets are ``"(sensitive)"`` in this form.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler import __version__
from reconciler.errors import ConfigError
from reconciler.plan import FORMAT_VERSION, Change, FieldChange, Plan, Step, Unmanaged, redact


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """The documented, versioned JSON value of a plan (no secret values)."""
    return {
        "format_version": plan.format_version,
        "generated_by": f"reconciler {__version__}",
        "config": {"fingerprint": plan.config_fingerprint, "paths": list(plan.config_paths)},
        "options": {"rotate_credentials": list(plan.rotate_credentials)},
        "summary": plan.summary(),
        "changes": [_change(c) for c in plan.changes],
        "unmanaged": [
            {"provider": u.provider, "kind": u.kind, "name": u.name, "id": u.id}
            for u in plan.unmanaged
        ],
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_to_data(plan), indent=2, ensure_ascii=False) + "\n"


def _change(change: Change) -> dict[str, Any]:
    return {
        "provider": change.provider,
        "kind": change.kind,
        "name": change.name,
        "id": change.id,
        "action": change.action,
        "risk": change.risk,
        "source": change.source,
        "live_fingerprint": change.live_fingerprint,
        "retires": change.retires,
        "affects": list(change.affects),
        "fields": [
            {
                "path": f.path,
                "before": redact(f.before) if not f.sensitive else _sensitive(f.before),
                "after": redact(f.after) if not f.sensitive else _sensitive(f.after),
                "risk": f.risk,
                "sensitive": f.sensitive,
            }
            for f in change.fields
        ],
        "steps": [
            {
                "operation": s.operation,
                "method": s.method,
                "path": s.path,
                "body": redact(s.body),
                "risk": s.risk,
                "purpose": s.purpose,
                "recheck_assets": s.recheck_assets,
            }
            for s in change.steps
        ],
        "notes": list(change.notes),
    }


def _sensitive(value: Any) -> Any:
    """Sensitive fields only ever say whether something is saved, never what."""
    return value if value in (None, "(saved)", "(not saved)") else "(sensitive)"


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
                name=c["name"],
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
                        s.get("recheck_assets", False),
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
