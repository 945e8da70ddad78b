"""Colour conventions of the real CLI (issue 16.6): NO_COLOR, FORCE_COLOR, TERM=dumb,
``--color``/``--no-color``, and a terminal versus a pipe (docs/terminal.md)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = str(ROOT / "examples" / "integrations")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # a colour or style code
ESC = "\x1b["


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env["PYTHONPATH"] = str(ROOT)
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def _plan_command(tmp_path: Path, top: tuple[str, ...], flags: tuple[str, ...]) -> list[str]:
    """``reconciler [top] plan EXAMPLES --sandbox [flags]``, its sandbox state in tmp_path."""
    sandbox = ("--sandbox", "--sandbox-db", str(tmp_path / "s.db"))
    return [sys.executable, "-m", "reconciler", *top, "plan", EXAMPLES, *sandbox, *flags]


def _plan(tmp_path: Path, extra: dict[str, str], *flags: str, top: tuple[str, ...] = ()) -> str:
    """stdout of ``reconciler [top] plan EXAMPLES --sandbox [flags]`` into a pipe."""
    cmd = _plan_command(tmp_path, top, flags)
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(extra), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "+ create" in done.stdout or '"format_version"' in done.stdout
    return done.stdout


@pytest.mark.parametrize(
    ("extra", "coloured"),
    [
        ({}, False),  # a pipe: no colour
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "true"}, True),
        ({"FORCE_COLOR": "0"}, True),  # force-color.org: "regardless of its value"
        ({"FORCE_COLOR": ""}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # empty NO_COLOR is unset
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, True),  # forcing beats a dumb terminal
    ],
)
def test_plan_into_a_pipe(tmp_path: Path, extra: dict[str, str], coloured: bool) -> None:
    assert (ESC in _plan(tmp_path, extra)) is coloured


def test_no_color_flag_beats_force_color(tmp_path: Path) -> None:
    assert ESC not in _plan(tmp_path, {"FORCE_COLOR": "1"}, top=("--no-color",))


def test_color_flag_beats_no_color_even_into_a_pipe(tmp_path: Path) -> None:
    # no-color.org: per-instance command-line arguments should override NO_COLOR
    assert ESC in _plan(tmp_path, {"NO_COLOR": "1"}, top=("--color",))


def test_the_last_of_color_and_no_color_wins(tmp_path: Path) -> None:
    assert ESC not in _plan(tmp_path, {}, top=("--color", "--no-color"))
    assert ESC in _plan(tmp_path, {}, top=("--no-color", "--color"))


def test_json_output_never_coloured(tmp_path: Path) -> None:
    out = _plan(tmp_path, {"FORCE_COLOR": "1"}, "--format", "json")
    assert ESC not in out


def _on_terminal(tmp_path: Path, extra: dict[str, str], top: tuple[str, ...] = ()) -> str:
    """Everything ``plan`` writes on a pseudo-terminal (bounded: 120 s, 4 MiB)."""
    import pty

    leader, follower = pty.openpty()
    cmd = _plan_command(tmp_path, top, ())
    proc = subprocess.Popen(
        cmd, stdin=follower, stdout=follower, stderr=follower, env=_env(extra), close_fds=True
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and sum(map(len, chunks)) < 4 << 20:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(
    ("extra", "coloured"),
    [({}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, True), ({"TERM": "dumb"}, False)],
)
def test_plan_on_a_terminal(tmp_path: Path, extra: dict[str, str], coloured: bool) -> None:
    out = _on_terminal(tmp_path, extra)
    assert "+ create" in out
    # colour is SGR codes; the reading bar's cursor moves on a terminal are not colour
    assert bool(SGR.search(out)) is coloured


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_flag_on_a_terminal(tmp_path: Path) -> None:
    out = _on_terminal(tmp_path, {}, top=("--no-color",))
    assert "+ create" in out
    assert not SGR.search(out)
