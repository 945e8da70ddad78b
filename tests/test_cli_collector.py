"""The command's process collects garbage rarely; the library entry leaves its caller's alone."""

from __future__ import annotations

import gc
import subprocess
import sys

from reconciler.cli import run
from reconciler.cli.collector import OLDER_THRESHOLDS, YOUNG_THRESHOLD

# Prints the thresholds as the process exits, after main() has run a command.
_PROBE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print(gc.get_threshold(), gc.get_freeze_count() > 0))\n"
    "from reconciler.cli import main\n"
    "sys.argv = ['reconciler', '--version']\n"
    "main()\n"
)


def test_the_command_process_collects_every_200000_objects_and_not_at_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    # and as it exits, nothing is left for the collector's last pass
    assert done.stdout.splitlines()[-1] == f"{(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)} True"
    assert YOUNG_THRESHOLD == 200_000


def test_run_in_process_leaves_the_callers_collector_alone() -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    assert run(["--version"]) == 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
