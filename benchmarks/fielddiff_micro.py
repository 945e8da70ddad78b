"""Micro benchmark of the field diff alone: CPU per integration of each vendor's comparers.

Why apart from ``run.py``: planning CPU per integration is ~0.06 ms all in, so a change in the
diff is lost in the noise of a full plan. This times only the comparers (plan-time diff and
verify-time read-back comparison) over realistic bodies: RevCent integrations seeded by the
sandbox (every catalog shape: assets, multi-selects, no options), each matched by its own
export; and the Solvimon demo bodies matched by the examples. It also times one plain
``DeepDiff`` call over the same values, the design card's way, for comparison.

    PYTHONPATH=$PWD python3 benchmarks/fielddiff_micro.py [--count 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from reconciler.config.loader import load_text
from reconciler.plan import Step
from reconciler.providers.revcent import desired as revcent_desired
from reconciler.providers.revcent.export import export_document
from reconciler.providers.revcent.planning import diff_fields as revcent_diff
from reconciler.providers.revcent.provider import verify_step as revcent_verify
from reconciler.providers.revcent.state import LiveIntegration, options_body
from reconciler.providers.solvimon import desired as solvimon_desired
from reconciler.providers.solvimon.planning import create_body
from reconciler.providers.solvimon.planning import diff_fields as solvimon_diff
from reconciler.providers.solvimon.provider import verify_step as solvimon_verify
from reconciler.sandbox.revcent.service import IntegrationService
from reconciler.sandbox.solvimon.demo import DEMO
from reconciler.sandbox.solvimon.service import SolvimonService
from reconciler.sandbox.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _revcent(count: int) -> list[tuple[Any, LiveIntegration, Step]]:
    service = IntegrationService(Store(":memory:"))
    ids = service.seed_bulk(count, "bench-")
    cases = []
    for i, object_id in enumerate(ids):
        body = service.get(object_id)
        doc = export_document(body, None)
        del doc["id"]
        if i % 10 == 0:
            doc["description"] = str(doc.get("description") or "") + " Edited."
        (document,), _ = load_text(yaml.safe_dump(doc), f"bench-{i}.yaml")
        desired = revcent_desired.from_document(document)
        live = LiveIntegration.from_body(body)
        step = Step(
            "EditUserThirdPartyIntegration",
            "POST",
            "/x",
            {"name": live.name, "third_party_options": options_body(live.options, live.catalog)},
            "high",
            "save options",
            intent="options",
        )
        cases.append((desired, live, step))
    return cases


def _solvimon() -> list[tuple[Any, dict[str, Any], Step]]:
    service = SolvimonService(Store(":memory:"))
    lives = {}
    for body, _ in DEMO:
        created = service.create(body)
        lives[body["reference"]] = service.get(created["id"])
    cases = []
    for path in sorted((ROOT / "examples" / "integrations").glob("solvimon-*.yaml")):
        (document,), _ = load_text(path.read_text(), str(path))
        desired = solvimon_desired.from_document(document)
        live = lives.get(desired.name)
        if live is None:
            continue
        body = create_body(desired)
        step = Step(
            "patchIntegrationsByResourceId", "PATCH", "/x", body, "high", "", intent="update"
        )
        cases.append((desired, live, step))
    return cases


def _per_item_us(fn: Callable[[], object], items: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        begin = time.process_time()
        fn()
        best = min(best, time.process_time() - begin)
    return best / items * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rev = _revcent(args.count)
    sol = _solvimon() * max(1, args.count // 10)
    rows = {
        "revcent plan diff": (lambda: [revcent_diff(d, lv, lv.catalog) for d, lv, _ in rev], rev),
        "revcent verify": (lambda: [revcent_verify(s, lv) for _, lv, s in rev], rev),
        "solvimon plan diff": (
            lambda: [solvimon_diff(d, lv, rotate=False) for d, lv, _ in sol],
            sol,
        ),
        "solvimon verify": (lambda: [solvimon_verify(s, lv) for _, lv, s in sol], sol),
    }
    try:
        from deepdiff import DeepDiff
    except ImportError:  # pragma: no cover - optional
        DeepDiff = None
    if DeepDiff is not None:
        views = [
            (
                {"name": d.name, "description": d.description, "options": d.options},
                {"name": lv.name, "description": lv.description, "options": lv.options},
            )
            for d, lv, _ in rev
        ]
        rows["deepdiff, revcent view (ignore_order)"] = (
            lambda: [DeepDiff(lv, dv, ignore_order=True) for dv, lv in views],
            rev,
        )
        rows["deepdiff, revcent view (ordered)"] = (
            lambda: [DeepDiff(lv, dv) for dv, lv in views],
            rev,
        )
        sviews = [(dict(s.body), lv) for _, lv, s in sol]
        rows["deepdiff, solvimon body (ignore_order)"] = (
            lambda: [DeepDiff(lv, sv, ignore_order=True) for sv, lv in sviews],
            sol,
        )
    for label, (fn, items) in rows.items():
        print(f"{label:42s} {_per_item_us(fn, len(items), args.repeat):8.1f} µs / integration")


if __name__ == "__main__":
    main()
