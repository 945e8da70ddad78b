"""Hostile YAML from a fork: bounded time and memory, one clear file:line error, exit 1."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

GIB = 1024**3


def _validate(directory: Path) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:  # a runaway expansion dies here instead of swapping the box
        resource.setrlimit(resource.RLIMIT_AS, (2 * GIB, 2 * GIB))

    return subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _one_error(done: subprocess.CompletedProcess[str], expected: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert expected in done.stderr, done.stderr


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    (tmp_path / "a.yaml").write_text("\n".join(lines) + "\n")
    _one_error(_validate(tmp_path), "YAML aliases expand to more than 10000 values")


def test_deep_flow_nesting_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: " + "[" * 494 + "]" * 494 + "\n")
    _one_error(_validate(tmp_path), "YAML nested deeper than 64 levels (see docs/input-limits.md)")


def test_long_alias_chain_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 3000)]
    (tmp_path / "a.yaml").write_text("\n".join(lines) + "\n")
    done = _validate(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "a.yaml:" in done.stderr


def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    _one_error(_validate(tmp_path), "not a regular file")


def test_fifo_never_blocks(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "f.yaml")
    _one_error(_validate(tmp_path), "named pipe (FIFO), not a regular file")


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("# " + "x" * (1024 * 1024 + 10) + "\n")
    _one_error(_validate(tmp_path), "big.yaml:1:1:")


def test_ordinary_aliases_still_work(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "kind: revcent/UserThirdPartyIntegration\nname: &n Aliased\n"
        "description: *n\nsite_integration: SiteTaxJarTax0000000\n"
    )
    done = _validate(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 1 integration(s) in 1 file(s) are valid")
