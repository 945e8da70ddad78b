"""A DriftReport as terminal text, JSON, or Markdown for an issue body.

Why "YAML" and "live" instead of before/after: drift has no direction of its own. Each field
shows what the configuration says and what the account holds; ``apply`` would make the second
look like the first. Only the markdown form has a size budget: GitHub refuses issue bodies and
comments over 65,536 characters.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler import __version__
from reconciler.drift import DriftField, DriftItem, DriftReport
from reconciler.plan import redact
from reconciler.render.markdown import escape
from reconciler.render.values import show

LIMIT = 60_000
SYMBOLS = {"drifted": "~", "missing": "!", "in_sync": "="}
BADGES = {"drifted": "🟠 drifted", "missing": "🔴 missing"}
_SHOWN = ("(saved)", "(not saved)")


def verdict(report: DriftReport, *, count_unmanaged: bool = False) -> str:
    """The last line of every form: the counts, and whether that is drift."""
    if report.has_drift(count_unmanaged=count_unmanaged):
        return f"Drift: {report.summary_line()}."
    return f"No drift: {report.summary_line()}."


def render_drift_text(report: DriftReport, *, count_unmanaged: bool = False) -> str:
    lines: list[str] = []
    for item in report.items:
        if item.status == "in_sync":
            continue
        lines.append(f"{SYMBOLS[item.status]} {item.status}  {_title(item)}  {item.source}")
        if item.status == "missing":
            lines.append("    not found in the account (apply would create it)")
        width = max((len(f.path) for f in item.fields), default=0)
        for field in item.fields:
            desired, live = _values(field)
            lines.append(f"    {field.path.ljust(width)}  YAML {desired}  live {live}")
        lines.append("")
    in_sync = report.with_status("in_sync")
    if in_sync:
        lines.append("= in sync:")
        lines.extend(f"    {_title(i)}  {i.source}" for i in in_sync)
        lines.append("")
    if report.unmanaged:
        lines.append("? unmanaged (in the account, in no YAML):")
        lines.extend(f"    {u.key} ({u.id})" for u in report.unmanaged)
        lines.append("")
    lines.append(verdict(report, count_unmanaged=count_unmanaged))
    return "\n".join(lines) + "\n"


def drift_to_data(report: DriftReport, *, count_unmanaged: bool = False) -> dict[str, Any]:
    """The versioned JSON value of a drift report (no secret values: none is ever read)."""
    return {
        "format_version": report.format_version,
        "generated_by": f"reconciler {__version__}",
        "config": {"paths": list(report.config_paths)},
        "drift": report.has_drift(count_unmanaged=count_unmanaged),
        "unmanaged_is_drift": count_unmanaged,
        "summary": report.summary(),
        "integrations": [
            {
                "provider": i.provider,
                "kind": i.kind,
                "name": i.name,
                "id": i.id,
                "status": i.status,
                "source": i.source,
                "fields": [
                    {
                        "path": f.path,
                        "desired": _data(f.desired, f.sensitive),
                        "live": _data(f.live, f.sensitive),
                        "sensitive": f.sensitive,
                    }
                    for f in i.fields
                ],
            }
            for i in report.items
        ],
        "unmanaged": [
            {"provider": u.provider, "kind": u.kind, "name": u.key, "id": u.id}
            for u in report.unmanaged
        ],
    }


def render_drift_json(report: DriftReport, *, count_unmanaged: bool = False) -> str:
    data = drift_to_data(report, count_unmanaged=count_unmanaged)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_drift_markdown(
    report: DriftReport,
    *,
    count_unmanaged: bool = False,
    title: str = "reconciler drift",
    limit: int = LIMIT,
) -> str:
    head = [f"### {title}", "", f"**{verdict(report, count_unmanaged=count_unmanaged)}**", ""]
    tail: list[str] = []
    in_sync = report.with_status("in_sync")
    if in_sync:
        tail.append(f"<details><summary>{len(in_sync)} in sync</summary>\n")
        tail += [f"- {escape(i.name)} (`{i.id}`)" for i in in_sync]
        tail.append("\n</details>\n")
    if report.unmanaged:
        note = "counted as drift" if count_unmanaged else "never changed"
        tail.append(f"**Unmanaged** ({len(report.unmanaged)}, in no YAML, {note}):\n")
        tail += [f"- {escape(u.key)} (`{u.id}`)" for u in report.unmanaged]
        tail.append("")
    sections = [_section(i) for i in report.items if i.status != "in_sync"]
    budget = limit - len("\n".join(head + tail)) - 300
    kept: list[str] = []
    used = 0
    for section in sections:
        if used + len(section) + 1 > budget:
            break
        used += len(section) + 1
        kept.append(section)
    body = head + kept
    if len(kept) < len(sections):
        body.append(
            f"> ⚠️ {len(sections) - len(kept)} more integration(s) with drift were left out to "
            "stay under GitHub's size limit; run `reconciler drift` for the full report.\n"
        )
    return "\n".join(body + tail)


def _section(item: DriftItem) -> str:
    ident = f" (`{item.id}`)" if item.id else ""
    lines = [f"#### {BADGES[item.status]}: {escape(item.name)}{ident} — `{item.source}`", ""]
    if item.status == "missing":
        lines.append("Not found in the account (apply would create it).\n")
        return "\n".join(lines)
    lines += ["| Field | YAML | Live |", "|---|---|---|"]
    for field in item.fields:
        desired, live = _values(field)
        lines.append(f"| `{field.path}` | {_code(desired)} | {_code(live)} |")
    lines.append("")
    return "\n".join(lines)


def _code(text: str) -> str:
    """``text`` as a code span inside a table cell (entities would show literally in code)."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _title(item: DriftItem) -> str:
    return f"{item.name} ({item.id})" if item.id else item.name


def _values(field: DriftField) -> tuple[str, str]:
    return _shown(field.desired, field.sensitive), _shown(field.live, field.sensitive)


def _shown(value: Any, sensitive: bool) -> str:
    """``(saved)``/``(not saved)`` as they are; a sensitive value never; others as JSON."""
    if isinstance(value, str) and value in _SHOWN:
        return value
    return "(sensitive)" if sensitive else show(value)


def _masked(value: Any) -> Any:
    return value if isinstance(value, str) and value in _SHOWN else "(sensitive)"


def _data(value: Any, sensitive: bool) -> Any:
    if sensitive:
        return _masked(value)
    return redact(value)
