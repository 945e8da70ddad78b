"""Ctrl-C during apply: a real subprocess against the sandbox with latency, sent SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog
from tests.helpers import create_live, get, write_yaml

ROOT = Path(__file__).resolve().parents[2]
COUNT = 6


def _start(sandbox: Any, work: Path, journal: Path) -> subprocess.Popen[str]:
    ids = [
        create_live(sandbox, f"Int {i}", catalog.EASYPOST, description="old") for i in range(COUNT)
    ]
    assert len(ids) == COUNT
    docs = "---\n".join(
        f"kind: revcent/UserThirdPartyIntegration\nname: Int {i}\n"
        f"site_integration: EasyPost\ndescription: new\n"
        for i in range(COUNT)
    )
    write_yaml(work, "many.yaml", docs)
    sandbox.set_faults(FaultConfig(latency_ms=400))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REVCENT_API_KEY": sandbox.api_key,
        "REVCENT_API_URL": sandbox.url,
        "NO_COLOR": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler",
            "apply",
            "many.yaml",
            "--auto-approve",
            "--parallelism",
            "2",
            "--max-change-percent",
            "100",
            "--journal",
            str(journal),
        ],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_send(journal: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if journal.exists() and '"event": "send"' in journal.read_text(encoding="utf-8"):
            return
        time.sleep(0.05)
    raise AssertionError("apply sent nothing within 30 s")


def _records(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]


def test_first_ctrl_c_lets_in_flight_finish_and_reports(sandbox: Any, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    process = _start(sandbox, tmp_path, journal)
    _wait_for_send(journal, process)
    sent_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert time.monotonic() - sent_at < 10
    assert "Interrupted: no new step starts" in err
    assert "Traceback" not in out + err
    assert "Interrupted (Ctrl-C): steps in flight finished; no new step was started." in out
    summary = out.strip().splitlines()
    line = next(x for x in summary if x.startswith("Apply: "))
    applied = int(line.split()[1])
    assert 1 <= applied < COUNT, out
    assert line.endswith(f", {COUNT - applied} interrupted."), out
    records = _records(journal)
    assert records[-1]["event"] == "interrupted"
    assert [r["event"] for r in records].count("interrupted") == 1
    # every integration the report calls applied was changed; the others were not touched
    verified = {r["integration"] for r in records if r["event"] == "verified"}
    assert len(verified) == applied
    sends = {r["integration"] for r in records if r["event"] == "send"}
    assert sends == verified
    sandbox.set_faults(FaultConfig())
    with_new = {
        r["name"] for r in (get(sandbox, i) for i in _ids(sandbox)) if r["description"] == "new"
    }
    assert with_new == verified


def test_second_ctrl_c_exits_at_once(sandbox: Any, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    process = _start(sandbox, tmp_path, journal)
    _wait_for_send(journal, process)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert time.monotonic() - started < 2
    assert "Exited at once: requests in flight may or may not have taken effect" in err
    assert "Traceback" not in out + err
    records = _records(journal)
    assert records[-1]["event"] == "interrupted"
    assert records[-1]["summary"] == "second Ctrl-C: exited at once"


def _ids(sandbox: Any) -> list[str]:
    from tests.helpers import client

    with client(sandbox) as http:
        results = http.get("/v2/user_third_party_integrations", params={"limit": 25}).json()
    return [str(r["id"]) for r in results["results"]]
