"""The plan as terminal text: per integration the action, source, field diffs and requests.

Why ``color`` is a parameter: the renderer stays pure; the CLI decides from the TTY and
``NO_COLOR`` whether escape codes are wanted.
"""

from __future__ import annotations

from reconciler.plan import Change, Plan
from reconciler.render.values import body_json, show_field

SYMBOLS = {"create": "+", "update": "~", "noop": "="}
COLORS = {"create": "32", "update": "33", "noop": "2", "high": "31", "low": "36", "dim": "2"}


class _Paint:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, key: str) -> str:
        return f"\x1b[{COLORS[key]}m{text}\x1b[0m" if self.color else text


def render_text(plan: Plan, *, color: bool = False) -> str:
    paint = _Paint(color)
    lines: list[str] = []
    for change in plan.pending:
        lines.extend(_change(change, paint))
        lines.append("")
    unchanged = [c for c in plan.changes if c.action == "noop"]
    if unchanged:
        lines.append(paint("= unchanged:", "noop"))
        for c in unchanged:
            lines.append(f"    {c.key} ({c.id})  {c.source}")
            # e.g. credentials a person has still to enter: nothing to send, worth saying
            lines.extend(paint(f"        note: {note}", "dim") for note in c.notes)
        lines.append("")
    if plan.unmanaged:
        lines.append("? unmanaged (in the account, in no YAML; never changed):")
        lines.extend(f"    {u.key} ({u.id})" for u in plan.unmanaged)
        lines.append("")
    verdict = "Plan: " + plan.summary_line() + "."
    if not plan.has_changes:
        verdict += " No changes: the account matches the configuration."
    lines.append(verdict)
    return "\n".join(lines) + "\n"


def _stops(change: Change) -> str:
    """What a disable may stop, on the risk line itself (the reviewer's first look)."""
    if not (change.retires and change.affects):
        return ""
    return f"; may stop: {', '.join(change.affects)}"


def _change(change: Change, paint: _Paint) -> list[str]:
    risk = change.risk or "low"
    ident = f" ({change.id})" if change.id else ""
    head = (
        f"{paint(SYMBOLS[change.action] + ' ' + change.action, change.action)}  "
        f"{change.key}{ident}  {paint('[' + risk + ' risk' + _stops(change) + ']', risk)}  "
        f"{change.source}"
    )
    lines = [head]
    width = max((len(f.path) for f in change.fields), default=0)
    for field in change.fields:
        before, after = show_field(field)
        lines.append(f"    {field.path.ljust(width)}  {before} → {after}")
    for note in change.notes:
        lines.append(paint(f"    note: {note}", "dim"))
    for number, step in enumerate(change.steps, 1):
        lines.append(f"    {number}. {step.operation} {step.method} {step.path}  ({step.purpose})")
        lines.append(paint(f"       {body_json(step.body)}", "dim"))
    return lines
