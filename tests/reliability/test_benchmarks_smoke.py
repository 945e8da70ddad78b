"""The benchmark script runs end to end on tiny sizes, so it cannot rot unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="benchmarks run on Linux"),
]

ROOT = Path(__file__).resolve().parents[2]


def test_benchmarks_run_on_tiny_sizes(tmp_path):
    argv = [
        sys.executable, str(ROOT / "benchmarks" / "run.py"),
        "--sizes", "30", "--repeat", "1", "--latency-ms", "2", "--apply-count", "10",
        "--startup-runs", "1", "--validate-files", "20", "--json", str(tmp_path / "r.json"),
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| 30 | " in done.stdout
    assert "| planning CPU < 1 ms / integration |" in done.stdout
    assert "`validate` of 20 files" in done.stdout
    assert (tmp_path / "r.json").read_text().startswith("{")


def test_the_side_by_side_table_runs_on_tiny_sizes(tmp_path):
    argv = [
        sys.executable, str(ROOT / "benchmarks" / "side_by_side.py"),
        "--sizes", "30", "--repeat", "2", "--latency-ms", "2", "--sequential-max", "30",
        "--rate", "400", "--bursts", "5", "--rate-n", "20",
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| 30 | ")]
    assert len(rows) == 1 and rows[0].startswith("| 30 | 2 | "), done.stdout  # two runs
    assert "| plan | 20 | 400 | 5 |" in done.stdout
    assert "| apply | 20 | 400 | 5 |" in done.stdout
