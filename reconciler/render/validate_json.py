"""``validate --format json``: the verdict and every problem, in one stable JSON document.

Why a version number: CI scripts parse this; ``format_version`` changes only when a field is
removed or changes meaning (new fields may be added without it). See docs/ci-annotations.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from reconciler.errors import Problem

FORMAT_VERSION = 1


def problem_to_data(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "message": problem.message,
        "hint": problem.hint,
    }


def validation_to_data(
    problems: Iterable[Problem],
    *,
    checks: str,
    files: int | None,
    integrations: int | None,
) -> dict[str, Any]:
    """``files``/``integrations`` are None when the configuration could not be loaded."""
    rows = sorted(problems)
    counts = {"error": 0, "warning": 0, "note": 0}
    for p in rows:
        counts[p.severity] = counts.get(p.severity, 0) + 1
    return {
        "format_version": FORMAT_VERSION,
        "valid": counts["error"] == 0,
        "checks": checks,
        "files": files,
        "integrations": integrations,
        "counts": counts,
        "problems": [problem_to_data(p) for p in rows],
    }


def render_validation_json(
    problems: Iterable[Problem], *, checks: str, files: int | None, integrations: int | None
) -> str:
    data = validation_to_data(problems, checks=checks, files=files, integrations=integrations)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
