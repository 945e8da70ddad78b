"""Differential: build_plan (the catalog fetched beside the Gets) gives exactly what reading
first and planning after gives (read_live, then plan_target, which fetches the catalog
itself): the same changes in the same order, or the same refusal with the same problems.

The scenarios are the plan-promise generator's (valid and hostile mutations of a random
account), so refusals of every kind (catalog checks, plan errors, matching) are compared.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from differential.scenarios import Account, build, write
from helpers import provider

from reconciler.errors import ReconcilerError
from reconciler.live import Target, read_live
from reconciler.plan import Change
from reconciler.planner import build_plan, plan_target
from reconciler.providers.base import PlanOptions
from reconciler.workspace import load_workspace

SEEDS = int(os.environ.get("RECONCILER_STREAMED_SEEDS", "24"))


def _outcome(run: Callable[..., tuple[Change, ...]], *args: Any) -> tuple[str, Any]:
    try:
        return "plan", run(*args)
    except ReconcilerError as exc:
        problems = getattr(exc, "problems", None)
        return type(exc).__name__, (str(exc), problems)


def _streamed(sandbox: Any, desired: list[Any], parallelism: int) -> tuple[Change, ...]:
    revcent = provider(sandbox)
    try:
        return build_plan([Target(revcent, desired)], parallelism=parallelism).changes
    finally:
        revcent.close()


def _after_the_read(sandbox: Any, desired: list[Any]) -> tuple[Change, ...]:
    revcent = provider(sandbox)
    try:
        target = Target(revcent, desired)
        live = read_live(target, parallelism=4)
        changes, _ = plan_target(target, live, PlanOptions())
        return tuple(sorted(changes, key=lambda c: c.sort_key))
    finally:
        revcent.close()


def test_build_plan_matches_planning_after_the_read(
    sandbox: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    kinds: dict[str, int] = {}
    with httpx.Client(
        base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10
    ) as client:
        for seed in range(SEEDS):
            client.post("/_sandbox/reset").raise_for_status()
            scenario = build(seed, Account(client))
            directory = tmp_path / f"s{seed}"
            write(scenario, directory)
            for name, value in scenario.env.items():
                monkeypatch.setenv(name, value)
            try:
                workspace = load_workspace([str(directory)])
            except ReconcilerError:
                kinds["config"] = kinds.get("config", 0) + 1
                continue
            desired = workspace.desired.get("revcent", [])
            streamed = _outcome(_streamed, sandbox, desired, 4)
            after = _outcome(_after_the_read, sandbox, desired)
            assert streamed == after, f"seed {seed} {scenario.mutations}"
            kinds[streamed[0]] = kinds.get(streamed[0], 0) + 1
    # the seeds reach both accepted plans and refusals, or the comparison proves little
    assert kinds.get("plan", 0) >= 3 and sum(kinds.values()) - kinds.get("plan", 0) >= 3, kinds


@pytest.mark.parametrize("parallelism", [1, 16])
def test_build_plan_is_the_same_at_any_parallelism(
    sandbox: Any, tmp_path: Path, monkeypatch: Any, parallelism: int
) -> None:
    with httpx.Client(
        base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10
    ) as client:
        scenario = build(1, Account(client))
    write(scenario, tmp_path)
    for name, value in scenario.env.items():
        monkeypatch.setenv(name, value)
    desired = load_workspace([str(tmp_path)]).desired.get("revcent", [])
    plans = [_outcome(_streamed, sandbox, desired, workers) for workers in (parallelism, 4)]
    assert plans[0] == plans[1]
