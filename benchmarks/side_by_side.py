"""The side-by-side table of issue #14 in one run: the tool, an ideal client, a sequential
script and the bounds, at 20 ms latency and under rate limits; drift beside plan.

    PYTHONPATH=$PWD python3 benchmarks/side_by_side.py           # N = 1,000 and 10,000 (minutes)
    PYTHONPATH=$PWD python3 benchmarks/side_by_side.py --quick   # N = 1,000; rate runs at N = 300

Why an ideal client here: it makes the same requests as ``reconciler plan`` (list pages one
after another, Gets ``P`` at a time as ids arrive) and does nothing else, so tool / ideal is the
cost of everything the tool adds (planning, checks, rendering, start-up). It runs inside this
driver, with no interpreter start and httpx already imported; "ideal process" is the same
client run as a program of its own, for a like-for-like start. The sequential script
is what a hand-written loop does. The bounds: (pages + Gets) / P × L for latency, requests /
rate for a rate limit. Not part of the test suite (tests never assert these figures).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # run from anywhere, installed or not

from measure import run_child  # noqa: E402
from ratelimit import measure as rate_run  # noqa: E402
from ratelimit import table as rate_table  # noqa: E402
from sandbox_proc import SandboxProcess  # noqa: E402
from spawn import Spawner  # noqa: E402
from workload import write_workload  # noqa: E402

USER = "/v2/user_third_party_integrations"
LIST = "GET /v2/user_third_party_integrations"
SITES = "GET /v2/site_third_party_integrations"
GET = "GET /v2/user_third_party_integrations/{id}"
PAGE = 25


def ideal(url: str, key: str, parallelism: int) -> tuple[float, int]:
    """List pages one after another, Get every id ``parallelism - 1`` at a time meanwhile."""
    started = time.monotonic()
    limits = httpx.Limits(max_connections=parallelism, max_keepalive_connections=parallelism)
    with (
        httpx.Client(base_url=url, headers={"x-api-key": key}, limits=limits) as http,
        ThreadPoolExecutor(max_workers=max(1, parallelism - 1)) as pool,
    ):
        futures: list[Future[httpx.Response]] = []
        page, requests = 1, 0
        while True:
            results = http.get(USER, params={"limit": PAGE, "page": page}).json()["results"]
            requests += 1
            futures += [pool.submit(http.get, f"{USER}/{r['id']}") for r in results]
            if len(results) < PAGE:
                break
            page += 1
        for future in futures:
            future.result().json()
    return time.monotonic() - started, requests + len(futures)


def sequential(url: str, key: str) -> float:
    """One request after another, as a hand-written loop does."""
    started = time.monotonic()
    with httpx.Client(base_url=url, headers={"x-api-key": key}) as http:
        ids: list[str] = []
        page = 1
        while True:
            results = http.get(USER, params={"limit": PAGE, "page": page}).json()["results"]
            ids += [r["id"] for r in results]
            if len(results) < PAGE:
                break
            page += 1
        for object_id in ids:
            http.get(f"{USER}/{object_id}").json()
    return time.monotonic() - started


def latency_row(
    sandbox: SandboxProcess, spawner: Spawner, scratch: Path, n: int, args: argparse.Namespace
) -> dict[str, Any]:
    """Plan and drift of ``n`` integrations at the latency, beside ideal and sequential."""
    sandbox.set_faults()
    sandbox.reset()
    sandbox.seed(n, "sbs-")
    load = write_workload(sandbox.list_all(), scratch / f"sbs-{n}")
    sandbox.set_faults(latency_ms=args.latency_ms)
    env = {
        **os.environ,
        "REVCENT_API_URL": sandbox.url,
        "REVCENT_API_KEY": sandbox.api_key,
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }

    def tool(command: str) -> Any:
        argv = [sys.executable, "-m", "reconciler", command, str(load.directory)]
        argv += ["--parallelism", str(args.parallelism)]
        return run_child(spawner, argv, env=env, cwd=scratch)

    runs = args.repeat if n <= args.repeat_max else 1
    walls: dict[str, list[float]] = {"tool": [], "cpu": [], "drift": [], "ideal": [], "process": []}
    pages = gets = ideal_requests = 0
    for _ in range(runs):  # interleaved, so a slow minute of the machine hits all of them
        sandbox.reset_stats()
        plan = tool("plan")
        if plan.code != 0 or "Traceback" in plan.output:
            raise RuntimeError(f"plan of {n} failed:\n{plan.output[-2000:]}")
        routes = sandbox.stats()["by_route"]
        pages = routes.get(LIST, 0) + routes.get(SITES, 0)
        gets = routes.get(GET, 0)
        drift = tool("drift")
        if drift.code not in (0, 2) or "Traceback" in drift.output:
            raise RuntimeError(f"drift of {n} failed:\n{drift.output[-2000:]}")
        ideal_wall, ideal_requests = ideal(sandbox.url, sandbox.api_key, args.parallelism)
        # The same client as a program of its own: its interpreter start and imports counted,
        # as the tool's are (the in-process figure is the stricter one, the issue's).
        child = [sys.executable, str(Path(__file__).resolve()), "--ideal-child"]
        child += [sandbox.url, sandbox.api_key, str(args.parallelism)]
        ideal_process = run_child(spawner, child, env=env, cwd=scratch)
        if ideal_process.code != 0:
            raise RuntimeError(f"the ideal client failed:\n{ideal_process.output[-2000:]}")
        walls["tool"].append(plan.wall)
        walls["cpu"].append(plan.cpu)
        walls["drift"].append(drift.wall)
        walls["ideal"].append(ideal_wall)
        walls["process"].append(ideal_process.wall)
    middle = {name: statistics.median(values) for name, values in walls.items()}
    bound = (pages + gets) / args.parallelism * args.latency_ms / 1000
    seq: float | None = None
    if n <= args.sequential_max:
        seq = sequential(sandbox.url, sandbox.api_key)
    sandbox.set_faults()
    return {
        "n": n,
        "runs": runs,
        "pages": pages,
        "gets": gets,
        "tool": middle["tool"],
        "cpu_ms": middle["cpu"] * 1000 / max(1, pages + gets),
        "ideal": middle["ideal"],
        "ideal_process": middle["process"],
        "ideal_requests": ideal_requests,
        "sequential": seq,
        "bound": bound,
        "drift": middle["drift"],
    }


def latency_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    head = (
        "| N | runs | pages+Gets | tool s | ideal s | sequential s | (pages+Gets)/P×L s "
        "| tool/bound | sequential/tool | tool/ideal | ideal process s | tool/ideal process "
        "| tool CPU ms/request | drift s | drift/plan |"
    )
    lines = [
        f"Latency {args.latency_ms} ms, P = {args.parallelism}; each figure the median of "
        f"the runs shown (interleaved), the sequential script run once:",
        "",
        head,
        "|" + "---|" * 15,
    ]
    for r in rows:
        seq = f"{r['sequential']:.1f}" if r["sequential"] is not None else "skipped"
        ratio = f"{r['sequential'] / r['tool']:.1f}" if r["sequential"] is not None else "—"
        lines.append(
            f"| {r['n']:,} | {r['runs']} | {r['pages'] + r['gets']:,} | {r['tool']:.2f} "
            f"| {r['ideal']:.2f} "
            f"| {seq} | {r['bound']:.2f} | {r['tool'] / r['bound']:.2f} | {ratio} "
            f"| {r['tool'] / r['ideal']:.2f} | {r['ideal_process']:.2f} "
            f"| {r['tool'] / r['ideal_process']:.2f} | {r['cpu_ms']:.2f} | {r['drift']:.2f} "
            f"| {r['drift'] / r['tool']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--ideal-child"]:  # the ideal client run as its own process
        url, key, parallelism = argv[1], argv[2], int(argv[3])
        ideal(url, key, parallelism)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 1,000 only; rate runs N = 300")
    parser.add_argument("--sizes", default=None, help="comma-separated N (default 1000,10000)")
    parser.add_argument("--latency-ms", type=int, default=20, help="sandbox latency per request")
    parser.add_argument("--parallelism", type=int, default=16, help="P, the tool's --parallelism")
    parser.add_argument(
        "--sequential-max", type=int, default=1000, help="largest N run sequentially"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of tool, drift and ideal per size (median)"
    )
    parser.add_argument(
        "--repeat-max", type=int, default=2000, help="larger sizes are run once (minutes each)"
    )
    parser.add_argument("--rate", type=float, default=60.0, help="sandbox rate limit, req/s")
    parser.add_argument("--bursts", default="1,5,60", help="sandbox bucket sizes")
    parser.add_argument("--rate-n", type=int, default=300, help="integrations in the rate runs")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("1000" if args.quick else "1000,10000")).split(",")]
    rows: list[dict[str, Any]] = []
    rates: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="reconciler-sbs-") as tmp,
        SandboxProcess() as sandbox,
        Spawner() as spawner,
    ):
        scratch = Path(tmp)
        for n in sizes:
            rows.append(latency_row(sandbox, spawner, scratch, n, args))
            print(latency_table(rows[-1:], args).splitlines()[-1], file=sys.stderr, flush=True)
        for burst in (float(b) for b in args.bursts.split(",") if b.strip()):
            rates.append(rate_run(sandbox, scratch, "plan", args.rate_n, args.rate, burst))
            print(rate_table(rates[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        rates.append(rate_run(sandbox, scratch, "apply", args.rate_n, args.rate, 5.0))
    print(latency_table(rows, args))
    print()
    print(f"Rate limit {args.rate:g}/s (ratio = wall / (requests / rate); share = of the rate):")
    print()
    print(rate_table(rates))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
