"""The JSON form of a plan (``schemas/plan.schema.json``). Secrets are ``"(sensitive)"``.

A pure renderer: reading a saved plan back (and refusing a damaged one) is
``reconciler.plan_file``; the round-trip test in tests/render keeps the two in step.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler import __version__
from reconciler.plan import Change, Plan, redact


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
            {"provider": u.provider, "kind": u.kind, "name": u.key, "id": u.id}
            for u in plan.unmanaged
        ],
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_to_data(plan), indent=2, ensure_ascii=False) + "\n"


def _change(change: Change) -> dict[str, Any]:
    return {
        "provider": change.provider,
        "kind": change.kind,
        "name": change.key,
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
                "intent": s.intent,
                "target": s.target,
                "recheck": s.recheck,
            }
            for s in change.steps
        ],
        "notes": list(change.notes),
    }


def _sensitive(value: Any) -> Any:
    """Sensitive fields only ever say whether something is saved, never what."""
    return value if value in (None, "(saved)", "(not saved)") else "(sensitive)"
