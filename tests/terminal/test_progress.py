"""Progress while applying and reading, under a real pseudo-terminal (issue 16.6).

Each run is a real ``python -m reconciler apply`` against the sandbox (with latency, so that
the display redraws a few times); its stdout and stderr are a pty or a pipe, as a person's
terminal or a CI log would be. Every read loop is bounded in time and size.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from reconciler.executor import Executor, Result
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog
from tests.helpers import create_live, make_plan, provider, write_yaml

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ROOT = Path(__file__).resolve().parents[2]
COUNT = 20
SGR = re.compile(r"\x1b\[[0-9;]*m")  # a colour or style code
RATE = re.compile(r"\d+/20 \d+\.\d/s ETA \d:\d\d:\d\d")  # count, rate and a real estimate


def _yaml(directory: Path) -> Path:
    docs = "---\n".join(
        f"kind: revcent/UserThirdPartyIntegration\nname: Int {i}\n"
        "site_integration: EasyPost\ndescription: new\n"
        for i in range(COUNT)
    )
    return write_yaml(directory, "many.yaml", docs)


def _env(sandbox: Any, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(
        PYTHONPATH=str(ROOT),
        TERM="xterm-256color",
        REVCENT_API_KEY=sandbox.api_key,
        REVCENT_API_URL=sandbox.url,
    )
    env.update(extra)
    return env


def _run(
    cmd: list[str],
    env: dict[str, str],
    *,
    stdout_tty: bool,
    stderr_tty: bool,
    cwd: Path,
    ctrl_c: tuple[str, ...] = (),
) -> tuple[int, str, str, str]:
    """(exit code, what the pty showed, stdout pipe, stderr pipe); bounded: 120 s, 4 MiB.

    ``ctrl_c``: texts; when the pty has shown the next one, the process gets a SIGINT.
    """
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=follower,
        stdout=follower if stdout_tty else subprocess.PIPE,
        stderr=follower if stderr_tty else subprocess.PIPE,
        close_fds=True,
    )
    os.close(follower)
    out_fd = proc.stdout.fileno() if proc.stdout is not None else None
    err_fd = proc.stderr.fileno() if proc.stderr is not None else None
    pipes = {p.fileno(): p for p in (proc.stdout, proc.stderr) if p is not None}
    seen: dict[int, list[bytes]] = {fd: [] for fd in [leader, *pipes]}
    open_fds = set(seen)
    deadline = time.monotonic() + 120
    try:
        while open_fds and time.monotonic() < deadline:
            if sum(len(c) for chunks in seen.values() for c in chunks) > 4 << 20:
                break
            ready, _, _ = select.select(list(open_fds), [], [], 0.5)
            if not ready and proc.poll() is not None and leader not in open_fds:
                break
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    data = b""
                if data:
                    seen[fd].append(data)
                else:
                    open_fds.discard(fd)
            shown = b"".join(seen[leader]).decode("utf-8", "replace")
            if ctrl_c and ctrl_c[0] in shown and proc.poll() is None:
                ctrl_c = ctrl_c[1:]
                proc.send_signal(signal.SIGINT)
            if not ready and proc.poll() is not None:
                open_fds.discard(leader)  # nothing more will come from the pty
    finally:
        os.close(leader)
        proc.wait(timeout=30)
        for pipe in pipes.values():
            pipe.close()

    def text(fd: int | None) -> str:
        return b"".join(seen[fd]).decode("utf-8", "replace") if fd is not None else ""

    return proc.returncode, text(leader), text(out_fd), text(err_fd)


def _apply(
    sandbox: Any,
    tmp_path: Path,
    *flags: str,
    extra: dict[str, str] | None = None,
    stdout_tty: bool = True,
    stderr_tty: bool = True,
    latency_ms: float = 60,
    ctrl_c: tuple[str, ...] = (),
) -> tuple[int, str, str, str]:
    _yaml(tmp_path)
    sandbox.set_faults(FaultConfig(latency_ms=latency_ms))
    cmd = [
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
        str(tmp_path / "j.jsonl"),
        *flags,
    ]
    env = _env(sandbox, extra or {})
    return _run(cmd, env, stdout_tty=stdout_tty, stderr_tty=stderr_tty, cwd=tmp_path, ctrl_c=ctrl_c)


def test_progress_on_a_terminal_shows_count_rate_and_eta(sandbox: Any, tmp_path: Path) -> None:
    started = time.monotonic()
    code, tty, _, _ = _apply(sandbox, tmp_path)
    assert code == 0, tty
    assert RATE.search(tty), tty[-2000:]
    assert re.search(r"Applying .*20/20 \d+\.\d/s took \d:\d\d:\d\d", tty), tty[-2000:]
    assert "revcent: Int " in tty  # the last name done; never a body or a value
    assert "\x1b[?25l" in tty and tty.rindex("\x1b[?25h") > tty.rindex("\x1b[?25l")
    assert "✔ 20 applied and verified\r\n" in tty
    assert "Apply: 20 applied, 0 altered, 0 failed, 0 stale." in tty
    assert time.monotonic() - started < 60


def test_first_ctrl_c_notice_above_the_bar_then_the_report(sandbox: Any, tmp_path: Path) -> None:
    code, tty, _, _ = _apply(sandbox, tmp_path, latency_ms=300, ctrl_c=("Applying ",))
    assert code == 130, tty[-2000:]
    notice = "Interrupted: no new step starts; waiting for the requests in flight"
    assert notice in tty
    after = tty[tty.index(notice) :]
    assert "Applying " in after  # the bar is drawn again below the notice
    assert tty.rindex("\x1b[?25h") > tty.rindex("\x1b[?25l")  # the cursor is back
    assert "Interrupted (Ctrl-C): steps in flight finished; no new step was started." in after
    assert "interrupted  Int " in after  # those not started are listed in full
    assert "Traceback" not in tty


def test_second_ctrl_c_gives_the_cursor_back(sandbox: Any, tmp_path: Path) -> None:
    # Requests slow enough that the second Ctrl-C surely lands while they are in flight,
    # even on a loaded machine (at 300 ms the orderly stop sometimes won the race).
    code, tty, _, _ = _apply(
        sandbox,
        tmp_path,
        latency_ms=1500,
        ctrl_c=("Applying ", "Interrupted: no new step starts"),
    )
    assert code == 130, tty[-2000:]
    exited = tty.index("Exited at once: requests in flight may or may not have taken effect")
    assert tty.rindex("\x1b[?25h", 0, exited) > tty.rindex("\x1b[?25l")
    assert "Traceback" not in tty


def test_no_progress_when_stderr_is_not_a_terminal(sandbox: Any, tmp_path: Path) -> None:
    code, tty, _, err = _apply(sandbox, tmp_path, stderr_tty=False)
    assert code == 0, err
    assert "Applying" not in tty + err
    assert "\r" not in err and "\x1b" not in err
    assert "✔ 20 applied and verified" in tty


def test_json_on_stdout_stays_clean_while_the_terminal_shows_progress(
    sandbox: Any, tmp_path: Path
) -> None:
    code, tty, out, _ = _apply(sandbox, tmp_path, "--format", "json", stdout_tty=False)
    assert code == 0, tty
    assert RATE.search(tty), tty[-2000:]
    data = json.loads(out)
    assert data["summary"]["applied"] == COUNT
    assert len(data["integrations"]) == COUNT  # JSON lists every one


def test_no_color_keeps_the_progress_without_colour(sandbox: Any, tmp_path: Path) -> None:
    code, tty, _, _ = _apply(sandbox, tmp_path, extra={"NO_COLOR": "1"})
    assert code == 0, tty
    assert RATE.search(tty), tty[-2000:]
    assert not SGR.search(tty), SGR.findall(tty)[:5]


def test_force_color_into_pipes_colours_but_draws_no_progress(sandbox: Any, tmp_path: Path) -> None:
    code, _, out, err = _apply(
        sandbox, tmp_path, extra={"FORCE_COLOR": "1"}, stdout_tty=False, stderr_tty=False
    )
    assert code == 0, err
    assert SGR.search(out)  # the plan shown before applying is coloured, as asked
    assert "Applying" not in out + err
    assert "\r" not in err


def test_dumb_terminal_gets_no_progress_and_no_escape(sandbox: Any, tmp_path: Path) -> None:
    code, tty, _, _ = _apply(sandbox, tmp_path, extra={"TERM": "dumb"})
    assert code == 0, tty
    assert "Applying" not in tty
    assert "\x1b" not in tty
    assert "✔ 20 applied and verified" in tty


def test_list_all_lists_every_integration(sandbox: Any, tmp_path: Path) -> None:
    code, _, out, err = _apply(sandbox, tmp_path, "--list-all", stderr_tty=False, stdout_tty=False)
    assert code == 0, err
    assert "applied and verified" not in out
    assert out.count("✔ applied  Int ") == COUNT
    assert out.count("    ok       CreateUserThirdPartyIntegration  create") == COUNT


READER = """
import sys, time
from reconciler.cli.progress import reading_progress
with reading_progress("Reading") as progress:
    if progress is None:
        print("no display")
        sys.exit(0)
    for done in range(1, 31):
        progress(done, None if done < 10 else 30)  # the total becomes known at 10
        time.sleep(0.04)
print("read 30")
"""


def test_reading_progress_draws_on_a_terminal_and_goes_away(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, "-c", READER]
    code, tty, _, _ = _run(cmd, env, stdout_tty=True, stderr_tty=True, cwd=tmp_path)
    assert code == 0, tty
    assert re.search(r"Reading .* \d+ -/s ETA -:--:--|Reading .* \d+ \d+\.\d/s ETA -:--:--", tty)
    assert re.search(r"Reading .* \d+/30 \d+\.\d/s ETA \d:\d\d:\d\d", tty), tty[-2000:]
    # transient: the bar is erased before the output that follows
    assert tty.rstrip().endswith("read 30"), repr(tty[-300:])
    assert "\x1b[?25h" in tty


def test_reading_progress_is_none_off_a_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    cmd = [sys.executable, "-c", READER]
    code, tty, _, err = _run(cmd, env, stdout_tty=True, stderr_tty=False, cwd=tmp_path)
    assert code == 0, err
    assert "no display" in tty
    assert err == ""


def test_an_observer_that_fails_does_not_stop_the_apply(sandbox: Any, tmp_path: Path) -> None:
    """The display is the executor's observer; a broken one (a closed terminal) must not
    leave the account half changed."""
    plan = make_plan(sandbox, _yaml(tmp_path))
    calls: list[str] = []

    def broken(result: Result) -> None:
        calls.append(result.change.key)
        raise OSError("the terminal went away")

    revcent = provider(sandbox)
    try:
        report = Executor({"revcent": revcent}, parallelism=2, on_done=broken).apply(plan)
    finally:
        revcent.close()
    assert report.exit_code == 0
    assert report.count("applied") == COUNT
    assert len(calls) == 1  # silenced after its first error


def _read(
    sandbox: Any, tmp_path: Path, command: str, *, stderr_tty: bool
) -> tuple[int, str, str, str]:
    """``plan``/``drift`` of COUNT live integrations, 60 ms per request, 2 in flight."""
    for i in range(COUNT):
        create_live(sandbox, f"Int {i}", catalog.EASYPOST)
    _yaml(tmp_path)
    sandbox.set_faults(FaultConfig(latency_ms=60))
    cmd = [sys.executable, "-m", "reconciler", command, "many.yaml", "--parallelism", "2"]
    env = _env(sandbox, {})
    return _run(cmd, env, stdout_tty=False, stderr_tty=stderr_tty, cwd=tmp_path)


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_plan_and_drift_show_reading_progress_on_a_terminal(
    sandbox: Any, tmp_path: Path, command: str
) -> None:
    code, tty, out, _ = _read(sandbox, tmp_path, command, stderr_tty=True)
    assert code in (0, 2), tty
    assert re.search(r"Reading .*\d+/20 \d+\.\d/s ETA \d:\d\d:\d\d", tty), tty[-2000:]
    assert "Reading" not in out and "\x1b[" not in out  # stdout (the plan) stays clean


def test_no_reading_progress_when_stderr_is_not_a_terminal(sandbox: Any, tmp_path: Path) -> None:
    code, tty, out, err = _read(sandbox, tmp_path, "plan", stderr_tty=False)
    assert code == 0, err
    assert "Reading" not in tty + out + err
    assert "Plan: 0 to create, 20 to update, 0 unchanged, 0 unmanaged." in out
