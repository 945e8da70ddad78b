"""The plan as Markdown for a pull-request comment: risky first, details folded, size-bounded.

Why a budget: GitHub refuses comments over 65,536 characters, so past ``limit`` the remaining
integrations are left out with a line saying how many.
"""

from __future__ import annotations

from reconciler.plan import Change, Plan
from reconciler.render.values import body_json, show_field

LIMIT = 60_000
RISK_BADGE = {"high": "🔴 high", "low": "🟡 low", None: "⚪"}


def escape(text: str) -> str:
    """Text safe inside a table cell or summary line."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def render_markdown(plan: Plan, *, title: str = "reconciler plan", limit: int = LIMIT) -> str:
    head = [f"### {title}", "", f"**{plan.summary_line()}**", ""]
    pending = list(plan.pending)
    tail: list[str] = []
    unchanged = [c for c in plan.changes if c.action == "noop"]
    if unchanged:
        tail.append(f"<details><summary>{len(unchanged)} unchanged</summary>\n")
        for c in unchanged:
            tail.append(f"- {escape(c.key)} (`{c.id}`)")
            tail += [f"  - note: {escape(note)}" for note in c.notes]
        tail.append("\n</details>\n")
    if plan.unmanaged:
        tail.append(f"**Unmanaged** ({len(plan.unmanaged)}, in no YAML, never changed):\n")
        tail += [f"- {escape(u.key)} (`{u.id}`)" for u in plan.unmanaged]
        tail.append("")
    if not pending:
        head.append("No changes: the account matches the configuration.\n")
        return _fit("\n".join(head + tail), limit)

    table = ["| Risk | Action | Integration | Fields | Source |", "|---|---|---|---|---|"]
    sections: list[str] = []
    for change in pending:
        fields = ", ".join(f"`{f.path}`" for f in change.fields) or "—"
        risk = RISK_BADGE[change.risk]
        if change.retires and change.affects:
            risk += f" — may stop: {escape(', '.join(change.affects))}"
        table.append(
            f"| {risk} | {change.action} | {escape(change.key)} | {fields} | `{change.source}` |"
        )
        sections.append(_section(change))

    budget = limit - len("\n".join(head + tail)) - 300
    out_table: list[str] = []
    out_sections: list[str] = []
    used = 0
    left_out = 0
    for row, section in zip(table[2:], sections, strict=True):
        cost = len(row) + len(section) + 2
        if used + cost > budget:
            left_out += 1
            continue
        used += cost
        out_table.append(row)
        out_sections.append(section)
    body = head + table[:2] + out_table + [""] + out_sections
    if left_out:
        body.append(
            f"> ⚠️ {left_out} more integration(s) with changes were left out of this comment "
            "to stay under GitHub's size limit; see the full plan in the job's artifacts."
        )
        body.append("")
    return "\n".join(body + tail)


def _section(change: Change) -> str:
    ident = f" `{change.id}`" if change.id else ""
    lines = [
        f"<details><summary>{change.action} <b>{escape(change.key)}</b>{ident} "
        f"({change.risk} risk) — <code>{escape(change.source)}</code></summary>",
        "",
        "| Field | Before | After |",
        "|---|---|---|",
    ]
    for field in change.fields:
        before, after = show_field(field)
        lines.append(f"| `{field.path}` | `{escape(before)}` | `{escape(after)}` |")
    for note in change.notes:
        lines.append(f"\n_Note: {escape(note)}_")
    lines.append("\nRequests, in order:\n")
    for number, step in enumerate(change.steps, 1):
        lines.append(f"{number}. `{step.operation}` `{step.method} {step.path}` — {step.purpose}")
        lines.append(f"   ```json\n   {body_json(step.body)}\n   ```")
    lines.append("\n</details>\n")
    return "\n".join(lines)


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 120] + "\n\n> ⚠️ Truncated to stay under GitHub's comment size limit.\n"
