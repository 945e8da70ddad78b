"""aiohttp is the sandbox's dependency only: without it the tool works and says what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Run the real CLI with aiohttp made unimportable, as on a machine without the extra.
NO_AIOHTTP = (
    "import sys; sys.modules['aiohttp'] = None; from reconciler.cli import main; main(sys.argv[1:])"
)
HINT = (
    "error: the sandbox needs aiohttp, which is not installed: run python3 -m pip install "
    "'integration-reconciler[sandbox]' (from a checkout: python3 -m pip install '.[sandbox]')"
)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", NO_AIOHTTP, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def test_validate_needs_no_aiohttp(tmp_path: Path) -> None:
    done = _run("validate", str(ROOT / "examples" / "integrations"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("plan", str(ROOT / "examples" / "integrations"), "--sandbox"),
        ("sandbox", "serve", "--port", "0"),
    ],
)
def test_the_sandbox_without_aiohttp_is_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = _run(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == HINT
    assert not (tmp_path / ".reconciler").exists()  # nothing started, nothing written


def test_sandbox_help_needs_no_aiohttp(tmp_path: Path) -> None:
    done = _run("sandbox", "serve", "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "--rate-limit" in done.stdout
