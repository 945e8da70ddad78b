"""Safety rails: refuse a plan that changes or disables too much at once (octoDNS's habit).

Why: a wrong directory, a wrong key or a bad merge can turn into a mass edit of live payment and
tax settings; a human must then say ``--force``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.errors import SafetyError
from reconciler.plan import Plan


@dataclass(frozen=True)
class Rails:
    """Thresholds; the defaults follow the issue: 30% of at least 10 managed, 5 disables."""

    max_change_fraction: float = 0.30
    min_managed: int = 10
    max_disables: int = 5


def check(plan: Plan, rails: Rails) -> None:
    """Raise SafetyError naming the rail, the numbers and the flag when a rail is crossed."""
    managed = sum(1 for c in plan.changes if c.action != "create")  # existing live objects
    updates = sum(1 for c in plan.changes if c.action == "update")
    if managed >= rails.min_managed and updates > rails.max_change_fraction * managed:
        raise SafetyError(
            f"safety rail 'max changes': {updates} of {managed} managed integrations "
            f"({updates / managed:.0%}) would change, more than "
            f"{rails.max_change_fraction:.0%}; re-run with --force if this is intended "
            "(or raise --max-change-percent)"
        )
    disables = sum(1 for c in plan.pending if c.retires)
    if disables > rails.max_disables:
        raise SafetyError(
            f"safety rail 'max disables': {disables} integrations would be disabled, more than "
            f"{rails.max_disables}; re-run with --force if this is intended "
            "(or raise --max-disables)"
        )
