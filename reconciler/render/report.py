"""The apply report as text, JSON or Markdown: per integration each step, outcome, verification.

Why its own module: the report is read by people in CI logs and job summaries, and by machines
(JSON); all three forms must say the same thing.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.executor import OUTCOMES, ApplyReport, Result
from reconciler.plan import redact
from reconciler.render.markdown import escape
from reconciler.render.values import show

MARKS = {"applied": "✔", "altered": "≠", "failed": "✘", "stale": "⧗", "interrupted": "■"}
STEP_MARKS = {"verified": "ok", "altered": "ALTERED", "failed": "FAILED", "skipped": "skipped"}


def report_to_data(report: ApplyReport) -> dict[str, Any]:
    return {
        "format_version": 1,
        "summary": {o: report.count(o) for o in OUTCOMES},
        "exit_code": report.exit_code,
        "interrupted": report.interrupted,
        "journal": report.journal_path,
        "integrations": [_result(r) for r in report.results],
    }


def _result(result: Result) -> dict[str, Any]:
    change = result.change
    return {
        "provider": change.provider,
        "name": change.key,
        "id": result.id,
        "action": change.action,
        "outcome": result.outcome,
        "message": result.message,
        "steps": [
            {
                "operation": s.step.operation,
                "purpose": s.step.purpose,
                "body": redact(s.step.body),
                "status": s.status,
                "adopted": s.adopted,
                "error": s.error,
                "mismatches": [
                    {"path": m.path, "expected": m.expected, "actual": m.actual}
                    for m in s.mismatches
                ],
            }
            for s in result.steps
        ],
    }


def render_report_json(report: ApplyReport) -> str:
    return json.dumps(report_to_data(report), indent=2, ensure_ascii=False) + "\n"


def render_report_text(report: ApplyReport, *, list_all: bool = False) -> str:
    """The report for a person: what did not apply cleanly in full, the rest as one count.

    Why collapse: 200 clean integrations are 400 lines that hide the one failure; a clean
    integration is applied, every step verified, none adopted, no message. ``list_all`` lists
    every integration with its steps (``apply --list-all``); JSON always does.
    """
    clean = [] if list_all else [r for r in report.results if _clean(r)]
    lines: list[str] = []
    if clean:
        lines.append(f"{MARKS['applied']} {len(clean)} applied and verified")
    kept = {id(r) for r in clean}
    for result in report.results:
        if id(result) not in kept:
            lines += _result_lines(result)
    lines.append("")
    if report.interrupted:
        lines.append("Interrupted (Ctrl-C): steps in flight finished; no new step was started.")
    lines.append(f"Apply: {report.summary_line()}.")
    if report.journal_path:
        lines.append(f"Journal: {report.journal_path}")
    return "\n".join(lines) + "\n"


def _clean(result: Result) -> bool:
    return (
        result.outcome == "applied"
        and result.message is None
        and all(s.status == "verified" and not s.adopted for s in result.steps)
    )


def _result_lines(result: Result) -> list[str]:
    ident = f" ({result.id})" if result.id else ""
    lines = [f"{MARKS[result.outcome]} {result.outcome}  {result.change.key}{ident}"]
    for s in result.steps:
        extra = " (adopted the integration a lost answer had created)" if s.adopted else ""
        lines.append(f"    {STEP_MARKS[s.status]:8} {s.step.operation}  {s.step.purpose}{extra}")
        for m in s.mismatches:
            lines.append(f"             {m.path}: sent {show(m.expected)}, stored {show(m.actual)}")
    if result.message:
        lines.append(f"    {result.message}")
    return lines


def render_report_markdown(report: ApplyReport) -> str:
    lines = [
        "### reconciler apply",
        "",
        f"**{report.summary_line()}**",
        "",
        "| Outcome | Integration | Steps | Message |",
        "|---|---|---|---|",
    ]
    for r in report.results:
        steps = ", ".join(f"{s.step.purpose}: {STEP_MARKS[s.status]}" for s in r.steps) or "—"
        lines.append(
            f"| {MARKS[r.outcome]} {r.outcome} | {escape(r.change.key)} | {escape(steps)} "
            f"| {escape(r.message or '')} |"
        )
    if report.journal_path:
        lines += ["", f"Journal: `{report.journal_path}`"]
    return "\n".join(lines) + "\n"
