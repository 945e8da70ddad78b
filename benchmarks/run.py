"""Benchmarks of reconciler against a sandbox in its own process: plan at scale, planning CPU,
peak memory, apply under a rate limit, start-up and validate. Prints a Markdown report.

    python benchmarks/run.py                       # N = 100, 1,000, 10,000 (a few minutes)
    python benchmarks/run.py --quick               # N = 100, 1,000 and a smaller apply
    python benchmarks/run.py --sizes 100,1000 --json results.json

Why a separate sandbox process over real HTTP on 127.0.0.1: the tool's CPU time and memory
are those of its own process, and the server never competes with it for the GIL. Every
figure comes with the bound it is compared to and the target it must meet (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # run from anywhere, installed or not

from measure import ChildRun, median_wall, planning_cpu, run_child  # noqa: E402
from sandbox_proc import SandboxProcess  # noqa: E402
from spawn import Spawner  # noqa: E402
from workload import write_workload  # noqa: E402

from reconciler.planner import DEFAULT_PARALLELISM  # noqa: E402

LIST = "GET /v2/user_third_party_integrations"
SITES = "GET /v2/site_third_party_integrations"
GET = "GET /v2/user_third_party_integrations/{id}"

SECTIONS = ("startup", "validate", "plan", "apply")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


class Bench:
    """One benchmark session: a sandbox process, a scratch directory, the tool's environment."""

    def __init__(
        self, spawner: Spawner, sandbox: SandboxProcess, scratch: Path, args: argparse.Namespace
    ):
        self.spawner = spawner
        self.sandbox = sandbox
        self.scratch = scratch
        self.args = args
        self.env = {
            **os.environ,
            "REVCENT_API_URL": sandbox.url,
            "REVCENT_API_KEY": sandbox.api_key,
            "NO_COLOR": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }

    def tool(self, *argv: str, timeout: float = 900) -> ChildRun:
        return run_child(
            self.spawner,
            [sys.executable, "-m", "reconciler", *argv],
            env=self.env,
            cwd=self.scratch,
            timeout=timeout,
        )

    def fresh_account(self, count: int, prefix: str) -> list[dict[str, Any]]:
        """Empty the sandbox, seed ``count`` integrations, return their list items (no faults)."""
        self.sandbox.set_faults()
        self.sandbox.reset()
        self.sandbox.seed(count, prefix)
        return self.sandbox.list_all()

    # -- plan -----------------------------------------------------------------------------
    def plan(self, n: int) -> dict[str, Any]:
        latency = self.args.latency_ms / 1000
        parallelism = self.args.parallelism
        items = self.fresh_account(n, "bench-")
        load = write_workload(items, self.scratch / f"plan-{n}")
        cpu = planning_cpu(
            load.directory, self.sandbox.url, self.sandbox.api_key, parallelism=parallelism
        )
        self.sandbox.set_faults(latency_ms=self.args.latency_ms)
        runs = []
        repeat = self.args.repeat or (3 if n <= 1000 else 1)
        for _ in range(repeat):
            self.sandbox.reset_stats()
            child = self.tool("plan", str(load.directory), "--parallelism", str(parallelism))
            expected = (
                f"Plan: {load.creates} to create, {load.updates} to update, "
                f"{load.unchanged} unchanged, 0 unmanaged."
            )
            if child.code != 0 or expected not in child.output:
                raise RuntimeError(f"plan of {n} failed or differs ({expected}):\n{child.output}")
            runs.append((child, self.sandbox.stats()))
        child, stats = sorted(runs, key=lambda r: r[0].wall)[len(runs) // 2]  # the median run
        routes = stats["by_route"]
        pages = routes.get(LIST, 0) + routes.get(SITES, 0)
        gets = routes.get(GET, 0)
        bound = pages * latency + math.ceil(gets / parallelism) * latency
        return {
            "n": n,
            "wall_s": child.wall,
            "bound_s": bound,
            "ratio": child.wall / bound,
            "pages": pages,
            "gets": gets,
            "requests": stats["total"],
            "cpu_s": child.cpu,
            "peak_rss_mb": child.peak_rss_mb,
            "planning_ms": cpu.plan_ms,
            "load_ms": cpu.load_ms,
            "planning_profile": cpu.profile,
        }

    # -- apply ----------------------------------------------------------------------------
    def apply(self, count: int, max_rps: float | None) -> dict[str, Any]:
        rate = self.args.rate
        items = self.fresh_account(count, "apply-")
        label = f"apply-{count}-{'paced' if max_rps else 'unpaced'}"
        load = write_workload(
            items, self.scratch / label, edit_every=1, toggle_every=0, create_every=0
        )
        self.sandbox.set_faults(latency_ms=self.args.latency_ms, rate_limit=rate)
        self.sandbox.reset_stats()
        argv = ["apply", str(load.directory), "--auto-approve", "--max-change-percent", "100"]
        argv += ["--journal", str(self.scratch / f"{label}.jsonl")]
        argv += ["--parallelism", str(self.args.parallelism)]
        if max_rps:
            argv += ["--max-rps", f"{max_rps:g}"]
        child = self.tool(*argv)
        stats = self.sandbox.stats()
        self.sandbox.set_faults()
        if child.code != 0 or f"Apply: {count} applied" not in child.output:
            raise RuntimeError(f"apply of {count} failed:\n{child.output[-3000:]}")
        throttled = stats["rate_limited"]
        passed = stats["total"] - throttled  # requests that took a token of the bucket
        bound = passed / rate
        return {
            "count": count,
            "max_rps": max_rps,
            "wall_s": child.wall,
            "requests": stats["total"],
            "answered_429": throttled,
            "share_429": throttled / stats["total"],
            "bound_s": bound,
            "ratio": child.wall / bound,
            "cpu_s": child.cpu,
        }

    # -- start-up and validate ------------------------------------------------------------
    def startup(self) -> dict[str, float]:
        runs = self.args.startup_runs
        python = [sys.executable, "-c", "pass"]
        return {
            "help_s": median_wall(
                self.spawner,
                [sys.executable, "-m", "reconciler", "--help"],
                env=self.env,
                cwd=self.scratch,
                runs=runs,
            ),
            "python_s": median_wall(
                self.spawner, python, env=self.env, cwd=self.scratch, runs=runs
            ),
        }

    def validate(self, files: int) -> dict[str, Any]:
        items = self.fresh_account(files, "valid-")
        load = write_workload(
            items, self.scratch / "validate", edit_every=0, toggle_every=0, create_every=0
        )
        wall = median_wall(
            self.spawner,
            [sys.executable, "-m", "reconciler", "validate", str(load.directory)],
            env=self.env,
            cwd=self.scratch,
            runs=3,
        )
        return {"files": load.files, "wall_s": wall}


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "settings": vars(args).copy()}
    # The spawner first, while this process is small (spawn.py says why).
    with (
        Spawner() as spawner,
        tempfile.TemporaryDirectory(prefix="reconciler-bench-") as tmp,
        SandboxProcess() as sb,
    ):
        bench = Bench(spawner, sb, Path(tmp), args)
        started = time.monotonic()
        if "startup" in args.only:
            results["startup"] = bench.startup()
        if "validate" in args.only:
            results["validate"] = bench.validate(args.validate_files)
        results["plan"] = []
        for n in args.sizes if "plan" in args.only else ():
            progress(f"plan N={n}")
            results["plan"].append(bench.plan(n))
        results["apply"] = []
        for max_rps in (None, args.rate) if "apply" in args.only else ():
            progress(f"apply N={args.apply_count} max-rps={max_rps}")
            results["apply"].append(bench.apply(args.apply_count, max_rps))
        results["seconds"] = time.monotonic() - started
    return results


def progress(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    """The Markdown tables benchmarks/README.md quotes, and each target met or missed."""
    m = results["machine"]
    lines = [
        f"Machine: {m['nproc']} CPU ({m['cpu']}), Python {m['python']}, {m['platform']}; "
        f"load average at start {m['load_average']}.",
        "",
    ]
    targets: list[tuple[str, str, bool]] = []  # (target, result, met)
    if results["plan"]:
        lines += [
            f"plan, sandbox latency {args.latency_ms:g} ms a request, "
            f"parallelism {args.parallelism}:",
            "",
            "| N | plan wall | bound | ratio | list pages | Gets | tool CPU | peak RSS "
            "| planning CPU / integration | YAML load CPU / integration |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for p in results["plan"]:
            lines.append(
                f"| {p['n']:,} | {p['wall_s']:.2f} s | {p['bound_s']:.2f} s | {p['ratio']:.2f} "
                f"| {p['pages']} | {p['gets']:,} | {p['cpu_s']:.2f} s "
                f"| {p['peak_rss_mb']:.0f} MB | {p['planning_ms']:.3f} ms | {p['load_ms']:.3f} ms |"
            )
        lines.append("")
        by_n = {p["n"]: p for p in results["plan"]}
        if 1000 in by_n:
            r = by_n[1000]["ratio"]
            targets.append(("plan ≤ 1.3× bound at N = 1,000", f"{r:.2f}×", r <= 1.3))
        worst = max(p["planning_ms"] for p in results["plan"])
        targets.append(("planning CPU < 1 ms / integration", f"{worst:.3f} ms", worst < 1.0))
        if 10000 in by_n:
            rss = by_n[10000]["peak_rss_mb"]
            targets.append(("peak RSS < 200 MB at N = 10,000", f"{rss:.0f} MB", rss < 200))
    if results["apply"]:
        lines += [
            f"apply of {args.apply_count} one-field edits, sandbox rate limit {args.rate:g}/s "
            f"(bucket of {args.rate:g}), latency {args.latency_ms:g} ms:",
            "",
            "| --max-rps | wall | requests | answered 429 | bound | ratio | tool CPU |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for a in results["apply"]:
            paced = f"{a['max_rps']:g}" if a["max_rps"] else "none"
            lines.append(
                f"| {paced} | {a['wall_s']:.2f} s | {a['requests']} "
                f"| {a['answered_429']} ({a['share_429']:.1%}) | {a['bound_s']:.2f} s "
                f"| {a['ratio']:.2f} | {a['cpu_s']:.2f} s |"
            )
            ok = a["ratio"] <= 1.25 and a["share_429"] < 0.01
            result = f"{a['ratio']:.2f}×, {a['share_429']:.1%} 429"
            targets.append((f"apply ≤ 1.25× bound, < 1% 429 (--max-rps {paced})", result, ok))
        lines.append("")
    if "startup" in results:
        s = results["startup"]
        lines.append(
            f"Start-up (`reconciler --help`, median of {args.startup_runs}): "
            f"{s['help_s'] * 1000:.0f} ms (the interpreter alone: {s['python_s'] * 1000:.0f} ms)."
        )
        ms = s["help_s"] * 1000
        targets.append(("start-up < 300 ms", f"{ms:.0f} ms", ms < 300))
    if "validate" in results:
        v = results["validate"]
        lines.append(f"`validate` of {v['files']:,} files (median of 3): {v['wall_s']:.2f} s.")
    lines += ["", "| target | result | |", "|---|---|---|"]
    lines += [f"| {t} | {r} | {'met' if ok else 'MISSED'} |" for t, r, ok in targets]
    lines += ["", f"Benchmark run took {results['seconds']:.0f} s."]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="plan sizes N, comma-separated")
    parser.add_argument("--quick", action="store_true", help="N = 100, 1,000; apply of 50")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--parallelism", type=int, default=DEFAULT_PARALLELISM)
    parser.add_argument("--apply-count", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0, help="sandbox rate limit, req/s")
    parser.add_argument("--repeat", type=int, default=0, help="plan runs per N (median)")
    parser.add_argument("--startup-runs", type=int, default=9)
    parser.add_argument("--validate-files", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--profile", action="store_true", help="print the planning profiles")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"sections to run, of {','.join(SECTIONS)}"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = "100,1000"
        args.apply_count = 50
        args.startup_runs = 5
    args.sizes = [int(s.replace("_", "")) for s in str(args.sizes).split(",") if s.strip()]
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = args.only - set(SECTIONS)
    if unknown:
        parser.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    print(report(results, args))
    if args.profile:
        for p in results["plan"]:
            print(f"\n### planning profile, N = {p['n']}\n\n```\n{p['planning_profile']}```")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
