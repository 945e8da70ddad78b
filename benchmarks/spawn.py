"""Run and measure child processes from a small process of their own (stdlib only).

Why: on Linux a child's ``ru_maxrss`` also records the resident size of the process it was
forked from, taken when it calls exec. Forked from the benchmark driver, which holds 10,000
integrations by then, every child would seem as big as the driver. Children are therefore
started by this small server, itself started before the driver grows; ``os.wait4`` then gives
each child's own CPU seconds and peak RSS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def measure(
    argv: Sequence[str], env: Mapping[str, str], cwd: str, out: str, timeout: float
) -> dict[str, Any]:
    """Run ``argv`` to its end (killed after ``timeout`` s): exit code, wall, CPU, peak RSS."""
    with open(out, "wb") as handle:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), env=dict(env), cwd=cwd, stdout=handle, stderr=subprocess.STDOUT
        )
        # A blocking wait4 sees the end exactly; the timer is what bounds it in time.
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
    return {
        "code": proc.returncode,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "timed_out": wall >= timeout,
    }


def serve() -> None:
    """One JSON request a line on stdin, one JSON answer a line on stdout, until EOF."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = measure(**request)
        except Exception as exc:  # reported to the driver, which raises it
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)


def precompile() -> None:
    """Write the package's bytecode, as ``pip install`` does, before any child is timed.

    Why: from a source checkout (an editable install), and wherever PYTHONDONTWRITEBYTECODE is
    set, every run would compile the tool's modules again (about 0.15 s here), a cost no
    installed copy pays. py_compile writes the files whatever that variable says.
    """
    import compileall

    import reconciler

    compileall.compile_dir(str(Path(reconciler.__file__).parent), quiet=2)


class Spawner:
    """The driver's handle on the spawning process; a context manager.

    The package is compiled first (see ``precompile``), so each child starts as installed.
    """

    def __init__(self) -> None:
        precompile()
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float
    ) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        request = {
            "argv": list(argv),
            "env": dict(env),
            "cwd": str(cwd),
            "out": str(cwd / "child.out"),
            "timeout": timeout,
        }
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self._proc.stdout.readline() or '{"error": "gone"}')
        if "error" in answer:
            raise RuntimeError(f"the spawner failed: {answer['error']}")
        if answer["timed_out"]:
            raise TimeoutError(f"{' '.join(argv)} ran longer than {timeout:g}s and was killed")
        return answer

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def __enter__(self) -> Spawner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    serve()
