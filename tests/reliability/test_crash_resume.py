"""Crash and resume: ``apply`` killed with SIGKILL mid-run; a second ``apply`` finishes the job.

Both the tool and the sandbox are separate processes, so the kill is a real crash: no
``finally``, no flush, no goodbye. The journal must still be valid JSON lines up to the kill,
and the second run must neither duplicate what the first created nor leave anything undone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_support import (
    SandboxProcess,
    admin,
    journal_lines,
    list_items,
    stop,
    tool_env,
    write_docs,
    yaml_of,
)

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

EDITS = 30
CREATES = 30
KILL_AFTER = 12  # verified steps in the journal before the kill: well into the run


def apply_argv(path: Path, journal: Path) -> list[str]:
    return [
        sys.executable, "-m", "reconciler", "apply", str(path), "--auto-approve", "--force",
        "--parallelism", "4", "--journal", str(journal),
    ]  # fmt: skip


def wait_for_verified(journal: Path, proc: subprocess.Popen[bytes], count: int) -> None:
    """Until ``count`` steps are verified (at most 60 s); the run must still be going."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "apply ended before it could be killed mid-run"
        text = journal.read_text(encoding="utf-8") if journal.exists() else ""
        if text.count('"event": "verified"') >= count:
            return
        time.sleep(0.02)
    raise AssertionError("apply made no progress within 60 s")


def test_apply_killed_mid_run_is_finished_by_the_next_without_duplicates(tmp_path):
    with SandboxProcess(tmp_path, "--latency-ms", "100") as sandbox:
        url, key = sandbox.url, sandbox.api_key
        admin(url, key, "POST", "/_sandbox/seed", {"count": EDITS, "prefix": "Crash "})
        docs = [
            yaml_of(i, description="Edited after the crash test.") for i in list_items(url, key)
        ]
        docs += [
            "kind: revcent/UserThirdPartyIntegration\n"
            f"name: Crash Created {i}\nsite_integration: EasyPost\n"
            "description: Created by the crash test.\nenabled: false\n"
            for i in range(CREATES)
        ]
        path = write_docs(tmp_path / "crash.yaml", docs)
        env = tool_env(REVCENT_API_URL=url, REVCENT_API_KEY=key)

        first = tmp_path / "first.jsonl"
        out = open(tmp_path / "first.out", "wb")  # noqa: SIM115 (closed below, after the kill)
        proc = subprocess.Popen(
            apply_argv(path, first), env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_for_verified(first, proc, KILL_AFTER)
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL
        finally:
            stop(proc)
            out.close()

        records = journal_lines(first)  # every line valid JSON, no partial line
        events = [r["event"] for r in records]
        assert events[0] == "start" and "finish" not in events, "killed mid-run"
        verified_before = {r["integration"] for r in records if r["event"] == "verified"}
        assert len(verified_before) >= KILL_AFTER
        assert len(verified_before) < EDITS + CREATES

        admin(url, key, "PUT", "/_sandbox/faults", {})  # the second run needs no patience
        second = tmp_path / "second.jsonl"
        done = subprocess.run(
            [*apply_argv(path, second), "--format", "json"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        redone = {r["integration"] for r in journal_lines(second) if r["event"] == "verified"}
        assert not redone & verified_before, "work verified before the crash was done again"

        check = subprocess.run(
            [sys.executable, "-m", "reconciler", "plan", str(path), "--detailed-exitcode"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        names = [item["name"] for item in list_items(url, key)]
        assert len(names) == len(set(names)) == EDITS + CREATES, "an integration exists twice"
