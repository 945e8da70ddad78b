"""Applying a saved plan: which of its changes still hold, and which went stale.

Why re-plan instead of trusting the file: the file holds no secrets and live state may have
moved. A change is applied only when the live object's fingerprint and the exact requests are
what the saved plan showed; otherwise it is stale and left untouched.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.plan import Change, Plan, redact


def steps_view(change: Change) -> list[tuple[str, str, str, object]]:
    """The requests of a change as the saved plan shows them (secrets redacted)."""
    return [(s.operation, s.method, s.path, redact(s.body)) for s in change.steps]


ChangeKey = tuple[str, str]  # (provider, name): two vendors may use the same name


def reconcile(saved: Plan, fresh: Plan) -> tuple[Plan, dict[ChangeKey, str]]:
    """The plan to execute (fresh changes where still valid) and why each other one is stale.

    Stale changes are keyed by (provider, name): a stale RevCent ``tax`` must not hold back a
    Solvimon ``tax`` that is still valid.
    """
    now = {(c.provider, c.key): c for c in fresh.changes}
    runnable: list[Change] = []
    stale: dict[ChangeKey, str] = {}
    for old in saved.pending:
        new = now.get((old.provider, old.key))
        reason = _staleness(old, new)
        if reason:
            stale[(old.provider, old.key)] = reason
            runnable.append(old)
        else:
            assert new is not None
            runnable.append(new)
    return replace(saved, changes=tuple(runnable)), stale


def _staleness(old: Change, new: Change | None) -> str | None:
    if new is None:
        return "no longer in the configuration"
    if old.id != new.id:
        return f"the live integration is now {new.id or 'absent'} (was {old.id or 'absent'})"
    if old.live_fingerprint != new.live_fingerprint:
        fields = ", ".join(f.path for f in new.fields) or "nothing"
        return (
            f"changed live since the plan was made (fingerprint {old.live_fingerprint} → "
            f"{new.live_fingerprint}); a new plan would change: {fields}"
        )
    if steps_view(old) != steps_view(new):
        return "the requests a new plan would send differ from the saved plan"
    return None
