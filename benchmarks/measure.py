"""How the benchmarks measure: a child process's wall time, CPU and peak memory; pure planning.

Children are started by the small spawning process of spawn.py, whose ``os.wait4`` gives the
resource usage of exactly that child: neither the benchmark driver nor the sandbox (another
process) is counted.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from spawn import Spawner

from reconciler import planner
from reconciler.connect import Connection
from reconciler.planner import Target, build_plan, read_live
from reconciler.render.text import render_text
from reconciler.workspace import load_workspace

CHILD_TIMEOUT = 900.0  # seconds; no benchmark step may hang the run


@dataclass(frozen=True)
class ChildRun:
    """One finished child process."""

    code: int
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    peak_rss_mb: float
    output: str  # its stdout (and stderr, appended)


def run_child(
    spawner: Spawner,
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    timeout: float = CHILD_TIMEOUT,
) -> ChildRun:
    """Run ``argv`` to the end (killed after ``timeout``) and measure it (see spawn.py)."""
    answer = spawner.run(argv, env=env, cwd=cwd, timeout=timeout)
    output = (cwd / "child.out").read_text(encoding="utf-8", errors="replace")
    return ChildRun(answer["code"], answer["wall"], answer["cpu"], answer["peak_rss_mb"], output)


def median_wall(
    spawner: Spawner, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, runs: int
) -> float:
    """The median wall time of ``runs`` runs of ``argv`` (each must exit 0)."""
    walls = []
    for _ in range(runs):
        child = run_child(spawner, argv, env=env, cwd=cwd, timeout=120)
        if child.code != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {child.code}: {child.output[-2000:]}")
        walls.append(child.wall)
    return statistics.median(walls)


@dataclass(frozen=True)
class PlanningCpu:
    """CPU of planning alone, with the live state already read."""

    integrations: int
    load_ms: float  # loading and checking the YAML, per integration (for reference)
    plan_ms: float  # build_plan's diff and ordering plus the text rendering, per integration
    profile: str  # the top of the cProfile of one planning pass


def planning_cpu(
    directory: Path, url: str, api_key: str, *, repeat: int = 5, parallelism: int = 16
) -> PlanningCpu:
    """CPU seconds of planning itself: diff and render, no waiting.

    The live state is read once (over HTTP, not timed); then ``build_plan`` runs ``repeat``
    times with its reading replaced by that state, and the text is rendered each time. The
    best of the runs (``time.process_time``: CPU, not wall) divided by the number of
    integrations is the figure; a warm-up run fetches the catalog first.
    """
    started = time.process_time()
    workspace = load_workspace([str(directory)])
    load = time.process_time() - started
    count = workspace.count
    conn = Connection(urls={"revcent": url}, keys={"revcent": api_key})
    providers = conn.open(workspace.desired)
    try:
        targets = [Target(providers[name], items) for name, items in workspace.desired.items()]
        states = {id(t): read_live(t, parallelism=parallelism) for t in targets}

        def already_read(target: Target, **_: object) -> planner.LiveState:
            return states[id(target)]

        def plan_and_render() -> str:
            plan = build_plan(targets, config_fingerprint=workspace.fingerprint)
            return render_text(plan, color=False)

        with mock.patch.object(planner, "read_live", already_read):
            plan_and_render()  # warm-up: fetches the site catalog once
            best = float("inf")
            for _ in range(max(1, repeat)):
                begin = time.process_time()
                plan_and_render()
                best = min(best, time.process_time() - begin)
            profiler = cProfile.Profile()
            profiler.enable()
            plan_and_render()
            profiler.disable()
    finally:
        for provider in providers.values():
            provider.close()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    return PlanningCpu(count, load / count * 1000, best / count * 1000, text.getvalue())
