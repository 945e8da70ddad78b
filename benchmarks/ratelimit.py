"""Rate-limit benchmark: how close the tool gets to the server's rate, whatever its burst.

Why: a plan or apply against a throttled vendor should take about requests/rate seconds; a
limiter that locks onto the burst size after the first 429 takes many times that. Starts a
sandbox process (sandbox_proc.py), sets ``rate_limit``/``rate_limit_burst`` through its admin
route, runs ``reconciler plan`` (and one ``apply``: the 429 storm) and prints a table.

    PYTHONPATH=$PWD python3 benchmarks/ratelimit.py --n 300 --rate 60 --bursts 1,5,60
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # run from anywhere, installed or not

from sandbox_proc import SandboxProcess  # noqa: E402
from workload import write_workload  # noqa: E402

TIMEOUT = 900.0  # seconds; no run may hang the benchmark


def run_tool(sandbox: SandboxProcess, cwd: Path, *argv: str) -> tuple[int, float, str]:
    """Run ``reconciler argv`` against the sandbox; its exit code, wall seconds and output."""
    env = {
        **os.environ,
        "REVCENT_API_URL": sandbox.url,
        "REVCENT_API_KEY": sandbox.api_key,
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return done.returncode, time.monotonic() - started, done.stdout + done.stderr


def measure(
    sandbox: SandboxProcess, scratch: Path, kind: str, n: int, rate: float, burst: float
) -> dict[str, Any]:
    """One run of ``kind`` (plan or apply) over ``n`` integrations under rate/burst."""
    sandbox.set_faults()
    sandbox.reset()
    sandbox.seed(n, "rl-")
    items = sandbox.list_all()
    directory = scratch / f"{kind}-{n}-{rate:g}-{burst:g}"
    load = write_workload(items, directory, edit_every=1, toggle_every=0, create_every=0)
    sandbox.set_faults(rate_limit=rate, rate_limit_burst=burst)
    sandbox.reset_stats()
    if kind == "plan":
        argv = ["plan", str(load.directory)]
    else:
        argv = ["apply", str(load.directory), "--auto-approve", "--max-change-percent", "100"]
        argv += ["--journal", str(directory / "journal.jsonl")]
    code, wall, output = run_tool(sandbox, scratch, *argv)
    stats = sandbox.stats()
    sandbox.set_faults()
    if code not in (0, 2) or "Traceback" in output:
        raise RuntimeError(f"{kind} of {n} failed (exit {code}):\n{output[-2000:]}")
    throttled = int(stats["rate_limited"])
    passed = int(stats["total"]) - throttled  # requests that took a token of the bucket
    bound = passed / rate
    return {
        "kind": kind,
        "n": n,
        "rate": rate,
        "burst": burst,
        "requests": passed,
        "wall": wall,
        "bound": bound,
        "ratio": wall / bound if bound else float("nan"),
        "throttled": throttled,
        "share": (passed / wall) / rate if wall else float("nan"),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the runs."""
    head = "| run | N | rate | burst | requests | wall s | requests/rate s | ratio | 429s | share |"
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(
            f"| {r['kind']} | {r['n']} | {r['rate']:g} | {r['burst']:g} | {r['requests']} "
            f"| {r['wall']:.1f} | {r['bound']:.1f} | {r['ratio']:.2f} | {r['throttled']} "
            f"| {r['share']:.0%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="integrations in the account")
    parser.add_argument("--rate", type=float, default=60.0, help="sandbox rate limit, req/s")
    parser.add_argument("--bursts", default="1,5,60", help="sandbox bucket sizes, comma-separated")
    parser.add_argument("--storm-burst", type=float, default=5.0, help="burst of the apply run")
    parser.add_argument("--no-storm", action="store_true", help="skip the apply (429 storm) run")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="reconciler-rl-") as tmp, SandboxProcess() as sandbox:
        scratch = Path(tmp)
        for burst in (float(b) for b in args.bursts.split(",") if b.strip()):
            rows.append(measure(sandbox, scratch, "plan", args.n, args.rate, burst))
            print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        if not args.no_storm:
            rows.append(measure(sandbox, scratch, "apply", args.n, args.rate, args.storm_burst))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
