"""Differential test: where plan accepts, apply succeeds and the next plan is empty.

Seeded random scenarios (tests/differential/scenarios.py) build live state through the sandbox
API and YAML with valid and hostile mutations. For each: plan's word is compared with what
apply then does. A *broken promise* is a plan that accepted (exit 0 or 2) followed by an apply
that did not exit 0, a next plan that is not empty, or the wrong integration changed. A *false
refusal* is a plan that refused (exit 1) a scenario valid by construction.

Size: RECONCILER_DIFFERENTIAL=N scenarios (default 40, about half a minute).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from differential.scenarios import USER, Account, build, write
from helpers import cli

SIZE = int(os.environ.get("RECONCILER_DIFFERENTIAL", "40"))
BUDGET_SECONDS = max(300.0, SIZE * 3.0)


def _description(client: httpx.Client, live_id: str) -> str:
    answer = client.get(f"{USER}/{live_id}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["description"])


@pytest.mark.reliability
def test_plan_is_a_promise(sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    started = time.monotonic()
    counts = {
        "scenarios": 0,
        "accepted": 0,
        "kept": 0,
        "refused": 0,
        "broken": 0,
        "false_refusals": 0,
    }
    failures: list[str] = []
    by_class: dict[str, int] = {}
    with httpx.Client(
        base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10
    ) as client:
        for seed in range(SIZE):
            assert time.monotonic() - started < BUDGET_SECONDS, "differential run over budget"
            client.post("/_sandbox/reset").raise_for_status()
            scenario = build(seed, Account(client))
            directory = tmp_path / f"s{seed}"
            write(scenario, directory)
            env = dict(scenario.env)
            counts["scenarios"] += 1
            label = f"seed {seed} {scenario.mutations}"
            for mutation in scenario.mutations:
                by_class[mutation] = by_class.get(mutation, 0) + 1
            code, out, err = cli(
                capsys,
                monkeypatch,
                sandbox,
                "plan",
                str(directory),
                "--detailed-exitcode",
                env=env,
            )
            if code == 1:
                counts["refused"] += 1
                if scenario.valid:
                    counts["false_refusals"] += 1
                    failures.append(f"false refusal, {label}: {err.strip()[-400:]}")
                continue
            assert code in (0, 2), f"{label}: plan exit {code}: {err[-400:]}"
            counts["accepted"] += 1
            journal = tmp_path / f"journal-{seed}.jsonl"
            code, out, err = cli(
                capsys,
                monkeypatch,
                sandbox,
                "apply",
                str(directory),
                "--auto-approve",
                "--force",
                "--journal",
                str(journal),
                env=env,
            )
            if code != 0:
                counts["broken"] += 1
                failures.append(f"apply exit {code}, {label}: {(out + err).strip()[-400:]}")
                continue
            code, out, err = cli(
                capsys,
                monkeypatch,
                sandbox,
                "plan",
                str(directory),
                "--detailed-exitcode",
                env=env,
            )
            wrong = [
                live_id
                for live_id, wanted in scenario.expect
                if _description(client, live_id) != wanted
            ]
            if code != 0 or wrong:
                counts["broken"] += 1
                failures.append(
                    f"not converged (plan exit {code}, wrong target {wrong}), {label}: "
                    f"{(out + err).strip()[-400:]}"
                )
                continue
            counts["kept"] += 1
    with capsys.disabled():
        print("\ndifferential:", ", ".join(f"{k} {v}" for k, v in counts.items()))
        print("mutations:", ", ".join(f"{k} {v}" for k, v in sorted(by_class.items())))
    assert counts["scenarios"] == SIZE
    assert not failures, "\n".join(failures[:15])
