"""Helpers of the apply-hardening tests: both providers over one real sandbox, plan, apply.

Everything talks to the sandbox on 127.0.0.1; nothing of the tool is mocked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.executor import ApplyReport, Executor
from reconciler.http import ApiSettings, RetryPolicy
from reconciler.journal import Journal
from reconciler.plan import Plan
from reconciler.planner import Target, build_plan
from reconciler.providers.base import PlanOptions, Provider
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.providers.solvimon.provider import SolvimonProvider
from reconciler.workspace import load_workspace

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


def providers(sandbox: Any) -> dict[str, Provider]:
    return {
        "revcent": RevCentProvider(
            ApiSettings(sandbox.url, sandbox.api_key, timeout=5, retry=FAST)
        ),
        "solvimon": SolvimonProvider(
            ApiSettings(
                sandbox.url, sandbox.api_key, auth_header="X-API-KEY", timeout=5, retry=FAST
            )
        ),
    }


def plan(sandbox: Any, *paths: Path, rotate: tuple[str, ...] = ()) -> Plan:
    workspace = load_workspace([str(p) for p in paths])
    opened = providers(sandbox)
    try:
        return build_plan(
            [Target(opened[n], items) for n, items in workspace.desired.items()],
            options=PlanOptions(frozenset(rotate)),
            config_fingerprint=workspace.fingerprint,
            config_paths=workspace.paths,
        )
    finally:
        for p in opened.values():
            p.close()


def apply(
    opened: dict[str, Provider], the_plan: Plan, journal: Path, stale: Any = None
) -> ApplyReport:
    log = Journal(str(journal))
    try:
        return Executor(opened, parallelism=4, journal=log, retry=FAST).apply(the_plan, stale)
    finally:
        log.close()
        for p in opened.values():
            p.close()


def records(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]


def outcomes(report: ApplyReport) -> dict[tuple[str, str], str]:
    return {(r.change.provider, r.change.key): r.outcome for r in report.results}
