"""Property tests of planning: it refuses cleanly or plans, and applying a plan converges.

Part one is pure: random catalogs of site integrations, random live bodies and random YAML go
through the real configuration loader and the real planner (only the reading is replaced by
an in-memory provider); planning must either give a plan every renderer can print, or raise a
ReconcilerError (a clean, located refusal), nothing else. Part two runs over the real sandbox
and its real catalog: for random valid YAML and random live state, applying the plan and
planning again shows no changes. RECONCILER_RELIABILITY_SCALE=N runs N times as many examples.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import client, create_live, make_plan, provider
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reliability_support import SCALE

from reconciler.errors import ReconcilerError
from reconciler.executor import Executor
from reconciler.http import RetryPolicy
from reconciler.planner import Target, build_plan
from reconciler.providers.base import LiveRef, PlanOptions
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.providers.revcent.state import LiveIntegration
from reconciler.redaction import forget_all
from reconciler.render.markdown import render_markdown
from reconciler.render.plan_json import render_json
from reconciler.render.text import render_text
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.server import RunningSandbox, start_sandbox
from reconciler.workspace import load_workspace

pytestmark = pytest.mark.reliability

KIND = "revcent/UserThirdPartyIntegration"
NAMES = ["Alpha", "Beta", " Alpha ", "Gamma Ray"]  # " Alpha " matches "Alpha" by design
IDS = [f"LiveIntegration{n:05d}" for n in range(4)]
OPTION_IDS = ["store", "model", "extra"]
FIELD_IDS = ["f1", "f2", "value"]
VALUES = ["a", "b", "c", " a ", "0.5"]
CRED_IDS = ["c1", "c2"]
CRED_FIELDS = ["api_key", "secret"]

# --- part one: random catalogs, live state and YAML, planned in memory -------------------


def site_ids(count: int) -> list[str]:
    return [f"Site{k}".ljust(20, "0") for k in range(count)]


field_defs = st.builds(
    lambda fid, select, required, asset, multiple, choices: {
        "id": fid,
        "name": fid.upper(),
        "field_type": "select" if select else "input",
        "required": required,
        **(
            {
                "select_settings": {
                    "third_party_asset": asset,
                    "options": choices,
                    "multiple": multiple,
                }
            }
            if select
            else {}
        ),
    },
    st.sampled_from(FIELD_IDS),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.lists(st.sampled_from(VALUES), max_size=3, unique=True),
)
option_defs = st.builds(
    lambda oid, required, fields: {"id": oid, "name": oid, "required": required, "fields": fields},
    st.sampled_from(OPTION_IDS),
    st.booleans(),
    st.lists(field_defs, max_size=3, unique_by=lambda f: f["id"]),
)


@st.composite
def sites(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1-3 site integrations; names may repeat (ambiguous by name, as RevCent's TaxJar)."""
    out = []
    for site_id in site_ids(draw(st.integers(1, 3))):
        creds = draw(
            st.none()
            | st.builds(
                lambda cid, fields: {
                    "id": cid,
                    "name": cid,
                    "fields": [{"id": f, "name": f, "required": r} for f, r in fields],
                },
                st.sampled_from(CRED_IDS),
                st.lists(st.tuples(st.sampled_from(CRED_FIELDS), st.booleans()), max_size=2),
            )
        )
        out.append(
            {
                "id": site_id,
                "name": draw(st.sampled_from(["Tax", "Ship", "Pay"])),
                "third_party_credentials": creds,
                "third_party_options": draw(
                    st.lists(option_defs, max_size=3, unique_by=lambda o: o["id"])
                ),
            }
        )
    return out


def saved_options() -> st.SearchStrategy[list[dict[str, Any]]]:
    field = st.builds(
        lambda fid, values: {"id": fid, "value": values},
        st.sampled_from(FIELD_IDS),
        st.lists(st.sampled_from(VALUES), max_size=3),
    )
    option = st.builds(
        lambda oid, fields: {"id": oid, "fields": fields},
        st.sampled_from(OPTION_IDS),
        st.lists(field, max_size=3, unique_by=lambda f: f["id"]),
    )
    return st.lists(option, max_size=3, unique_by=lambda o: o["id"])


@st.composite
def live_bodies(draw: st.DrawFn, catalog_sites: Sequence[Mapping[str, Any]]) -> list[dict]:
    """0-3 Get bodies; each embeds one of the sites, maybe with its assets listed."""
    bodies = []
    for object_id in draw(st.lists(st.sampled_from(IDS), max_size=3, unique=True)):
        site = draw(st.sampled_from(list(catalog_sites)))
        bodies.append(
            {
                "id": object_id,
                "name": draw(st.sampled_from(NAMES)),
                "description": draw(st.none() | st.sampled_from(["", "old", " old "])),
                "enabled": draw(st.none() | st.booleans()),
                "third_party_credentials_saved": draw(
                    st.lists(st.sampled_from(CRED_IDS), max_size=2, unique=True)
                ),
                "third_party_options_saved": draw(saved_options()),
                "site_third_party_integration": site,
            }
        )
    return bodies


@st.composite
def desired_docs(
    draw: st.DrawFn, catalog_sites: Sequence[Mapping[str, Any]], bodies: Sequence[Mapping[str, Any]]
) -> list[dict]:
    """1-3 documents that are mostly schema-valid, with every kind of reference in them."""
    docs = []
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique_by=_key))
    free = [n for n in NAMES if _key(n) not in {_key(m) for m in names}]
    live_ids = [b["id"] for b in bodies]
    for name in names:
        site = draw(st.sampled_from(list(catalog_sites)))
        doc: dict[str, Any] = {
            "kind": KIND,
            "name": name,
            "site_integration": draw(  # mostly right, sometimes ambiguous or unknown
                st.sampled_from([site["id"]] * 4 + [site["name"], "Unknown", site_ids(4)[3]])
            ),
        }
        if live_ids and draw(st.integers(0, 3)) == 3:  # pinned: mostly to a live id
            doc["id"] = draw(st.sampled_from([*live_ids * 4, "NotALiveIntegration0"]))
        if free and draw(st.booleans()):
            doc["previously"] = draw(st.lists(st.sampled_from(free), max_size=2, unique=True))
        if draw(st.booleans()):
            doc["description"] = draw(st.sampled_from(["", "new", "old", " new "]))
        if draw(st.booleans()):
            doc["enabled"] = draw(st.booleans())
        spec = site.get("third_party_credentials") or {}
        cred_id = spec.get("id") or draw(st.sampled_from(CRED_IDS))
        creds = draw(st.sampled_from(["none", "none", "fields", "external", "wrong id"]))
        if creds == "external":
            doc["credentials"] = {"id": cred_id, "external": True}
        elif creds in ("fields", "wrong id"):
            known = [f["id"] for f in spec.get("fields") or []]
            fields = draw(
                st.lists(st.sampled_from(known * 3 + CRED_FIELDS), min_size=1, unique=True)
            )
            doc["credentials"] = {
                "id": cred_id if creds == "fields" else draw(st.sampled_from(CRED_IDS)),
                "fields": {f: {"env": f"PROP_{f.upper()}"} for f in fields},
            }
        if draw(st.booleans()):
            # mostly the site's own option and field ids, sometimes unknown ones
            known = [o["id"] for o in site["third_party_options"]]
            known_fields = [f["id"] for o in site["third_party_options"] for f in o["fields"]]
            doc["options"] = draw(
                st.dictionaries(
                    st.sampled_from(known * 3 + OPTION_IDS)
                    if known
                    else st.sampled_from(OPTION_IDS),
                    st.dictionaries(
                        st.sampled_from(
                            known_fields * 3 + FIELD_IDS if known_fields else FIELD_IDS
                        ),
                        st.sampled_from(VALUES)
                        | st.lists(st.sampled_from(VALUES), max_size=3, unique=True),
                        min_size=1,
                        max_size=2,
                    ),
                    min_size=1,
                    max_size=2,
                )
            )
        if draw(st.booleans()):
            paths = ["description", "enabled", "credentials", "options", "options.store"]
            doc["ignore"] = draw(st.lists(st.sampled_from(paths), max_size=2, unique=True))
        docs.append(doc)
    return docs


def _key(name: str) -> str:
    return " ".join(name.split())


class InMemoryProvider(RevCentProvider):
    """The RevCent provider with its reading answered from memory (no client, no network)."""

    def __init__(self, catalog_sites: list[dict[str, Any]], bodies: list[dict[str, Any]]):
        self._sites = catalog_sites
        self._bodies = {b["id"]: b for b in bodies}

    def list_live(self) -> Iterator[LiveRef]:
        for body in self._bodies.values():
            yield LiveRef(body["id"], body["name"])

    def get_live(self, object_id: str) -> LiveIntegration:
        return LiveIntegration.from_body(dict(self._bodies[object_id]))

    def close(self) -> None:
        pass


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[dict], list[dict], list[dict], frozenset[str]]:
    catalog_sites = draw(sites())
    rotate = draw(st.sampled_from([frozenset(), frozenset({"all"}), frozenset({"Alpha"})]))
    bodies = draw(live_bodies(catalog_sites))
    return catalog_sites, bodies, draw(desired_docs(catalog_sites, bodies)), rotate


PURE = settings(
    max_examples=200 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PURE
@given(scenarios())
def test_planning_plans_or_refuses_cleanly(scenario):
    catalog_sites, bodies, docs, rotate = scenario
    with tempfile.TemporaryDirectory(prefix="reconciler-prop-") as directory:
        path = Path(directory) / "desired.yaml"
        path.write_text(yaml.safe_dump_all(docs, allow_unicode=True), encoding="utf-8")
        try:
            workspace = load_workspace([str(path)])
            revcent = InMemoryProvider(catalog_sites, bodies)
            target = Target(revcent, workspace.desired.get("revcent", []))
            plan = build_plan([target], options=PlanOptions(rotate))
        except ReconcilerError as exc:
            event(f"refused: {type(exc).__name__}")
            import re

            event(
                re.sub(
                    r"'[^']*'|\"[^\"]*\"|[0-9]", "_", str(exc).splitlines()[0].split(": ", 1)[-1]
                )[:60]
            )
            return  # a refusal: the CLI prints it as located problems, exit 1
    event(f"planned: {sum(1 for c in plan.changes if c.action != 'noop')} change(s)")
    for render in (render_json, render_markdown):
        assert render(plan)
    assert render_text(plan, color=False)
    assert {c.key for c in plan.changes} == {d.key for d in target.desired}


# --- part two: random valid YAML over the real sandbox; apply, then nothing to change -----

SECRETS = {
    "PROP_KEY_1": "prop-key-one",
    "PROP_KEY_2": "prop-key-two",
}
REAL_NAMES = ["Prop One", "Prop Two", "Prop Three"]
TEXT = st.sampled_from(["", "Managed.", "  Managed.  ", "Tax for renewals.", "é ünïcode"])


def _creds_doc(site: Mapping[str, Any], secret: str) -> dict[str, Any]:
    spec = site["third_party_credentials"]
    return {"id": spec["id"], "fields": {f["id"]: {"env": secret} for f in spec["fields"]}}


@st.composite
def real_options(draw: st.DrawFn, site: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Valid values for a random subset of the site's options, and all of the required ones."""
    chosen: dict[str, dict[str, Any]] = {}
    for option in site["third_party_options"]:
        if not option["required"] and not draw(st.booleans()):
            continue
        fields: dict[str, Any] = {}
        for field in option["fields"]:
            if not field.get("required") and not draw(st.booleans()):
                continue
            settings_ = field.get("select_settings") or {}
            if settings_.get("third_party_asset"):
                key = (site["id"], option["id"], field["id"])
                choices = catalog.ASSETS[key]["*"]
            elif field.get("field_type") == "select":
                choices = settings_["options"]
            else:
                choices = ["plain", "  spaced  out ", "0.25"]
            if settings_.get("multiple"):
                fields[field["id"]] = draw(
                    st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True)
                )
            else:
                fields[field["id"]] = draw(st.sampled_from(choices))
        if fields:
            chosen[option["id"]] = fields
    return chosen


@st.composite
def real_scenarios(draw: st.DrawFn) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """1-3 (desired document, live state to create first or None) pairs, distinct names."""
    out = []
    names = draw(st.lists(st.sampled_from(REAL_NAMES), min_size=1, max_size=3, unique=True))
    for name in names:
        site = draw(st.sampled_from(catalog.SITE_INTEGRATIONS))
        secret = draw(st.sampled_from(sorted(SECRETS)))
        doc: dict[str, Any] = {"kind": KIND, "name": name, "site_integration": site["id"]}
        if draw(st.booleans()):
            doc["description"] = draw(TEXT)
        complete = draw(st.booleans())
        if complete:
            doc["credentials"] = _creds_doc(site, secret)
            doc["options"] = draw(real_options(site))
            doc["enabled"] = draw(st.booleans())
        elif draw(st.booleans()):
            doc["enabled"] = False
        if not doc.get("options"):
            doc.pop("options", None)
        if draw(st.booleans()):
            doc["ignore"] = draw(st.lists(st.sampled_from(["description"]), max_size=1))
        live = None
        if draw(st.booleans()):
            live = {
                "site": site["id"],
                "description": draw(TEXT),
                "with_credentials": draw(st.booleans()),
            }
        out.append((doc, live))
    return out


@pytest.fixture(scope="module")
def real_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with start_sandbox(tmp_path_factory.mktemp("prop") / "sandbox.db") as running:
        saved = {k: os.environ.get(k) for k in SECRETS}
        os.environ.update(SECRETS)
        try:
            yield running
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            forget_all()


REAL = settings(
    max_examples=20 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@REAL
@given(real_scenarios())
def test_applying_a_plan_then_planning_again_changes_nothing(real_sandbox, scenario):
    with client(real_sandbox) as http:
        assert http.post("/_sandbox/reset", json={}).status_code == 200
    for doc, live in scenario:
        if live is not None:
            site = catalog.site_integration(live["site"])
            assert site is not None
            spec = site["third_party_credentials"]
            create_live(
                real_sandbox,
                doc["name"],
                live["site"],
                description=live["description"],
                credentials={f["id"]: "live-secret" for f in spec["fields"]}
                if live["with_credentials"]
                else None,
                credential_id=spec["id"],
            )
    with tempfile.TemporaryDirectory(prefix="reconciler-prop-") as directory:
        path = Path(directory) / "desired.yaml"
        path.write_text(yaml.safe_dump_all([d for d, _ in scenario]), encoding="utf-8")
        plan = make_plan(real_sandbox, path)
        revcent = provider(real_sandbox)
        fast = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
        try:
            report = Executor({"revcent": revcent}, retry=fast).apply(plan)
        finally:
            revcent.close()
        assert report.exit_code == 0, [(r.change.key, r.message) for r in report.results]
        event(f"applied {sum(len(c.steps) for c in plan.pending)} step(s)")
        again = make_plan(real_sandbox, path)
        assert not again.has_changes, render_text(again)
