"""A third-party provider with only the required methods plans and applies through the real CLI.

The plugin (a package with an entry point, as ``pip install`` leaves it) declares none of the
optional capabilities (``Prepares``, ``Rechecks``, ``Adopts``, ``TestsConnection``) and
dispatches on ``Step.intent``. Its API is a fake vendor of this test on 127.0.0.1. What it
proves: the core asks nothing else of a provider, and without ``Adopts`` a create whose
answer was lost is never sent twice (there is no way to look it up, so a second POST could
make a twin).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from local_server import serving, url_of
from widget_plugin import descriptor, install

ROOT = Path(__file__).resolve().parents[2]
KEY = "widget-test-key"

PLUGIN = (
    descriptor()
    + """
from reconciler.http import ApiClient
from reconciler.plan import Change, FieldChange, Step
from reconciler.providers.base import LiveRef


@dataclass(frozen=True)
class Thing:
    key: str  # the natural key: the thing's name
    color: str
    document: Document
    kind: str = "widget/Thing"
    id: str | None = None
    previously: tuple[str, ...] = field(default_factory=tuple)


def parse(document: Document) -> Thing:
    return Thing(document.data["name"], document.data["color"], document)


class WidgetProvider:
    name = "widget"
    kinds = ("widget/Thing",)

    def __init__(self, settings, *, limiter=None):
        self.api = ApiClient(settings, limiter=limiter)

    def parse(self, document):
        return parse(document)

    def list_live(self):
        body = self.api.request("GET", "/things", operation="listThings")
        return [LiveRef(t["id"], t["name"]) for t in body["things"]]

    def get_live(self, object_id):
        return self.api.request("GET", f"/things/{object_id}", operation="getThing")

    def check_live(self, desired, live):
        return []

    def plan_change(self, desired, live, options):
        source = str(desired.document.location())
        if live is None:
            body = {"name": desired.key, "color": desired.color}
            step = Step("createThing", "POST", "/things", body, "high", "create", intent="create")
            fields = (FieldChange("color", None, desired.color, "high"),)
            return Change("widget", "widget/Thing", desired.key, None, "create", source,
                          fields, (step,))
        fields = tuple(self.drift(desired, live))
        steps = ()
        if fields:
            path = f"/things/{live['id']}"
            body = {"color": desired.color}
            steps = (Step("patchThing", "PATCH", path, body, "low", "recolor", intent="update"),)
        action = "update" if steps else "noop"
        return Change("widget", "widget/Thing", desired.key, live["id"], action, source,
                      fields, steps, live_fingerprint=self.fingerprint(live))

    def drift(self, desired, live):
        if live.get("color") == desired.color:
            return []
        return [FieldChange("color", live.get("color"), desired.color, "low")]

    def fingerprint(self, live):
        return f"{live.get('name')}/{live.get('color')}"

    def export(self, live):
        return {"kind": "widget/Thing", "name": live["name"], "color": live["color"]}

    def send(self, step, body, object_id):
        if step.intent == "create":
            answer = self.api.request("POST", "/things", operation=step.operation,
                                      json_body=dict(body), idempotent=False)
            return answer["id"]
        path = step.path.replace("{id}", str(object_id))
        self.api.request("PATCH", path, operation=step.operation, json_body=dict(body))
        return None

    def verify(self, step, live):
        from reconciler.providers.base import Mismatch
        return [Mismatch(k, v, live.get(k)) for k, v in step.body.items() if live.get(k) != v]

    def close(self):
        self.api.close()
"""
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "name", "color"],
    "properties": {
        "kind": {"const": "widget/Thing"},
        "name": {"type": "string"},
        "color": {"type": "string"},
    },
}


class WidgetApi(ThreadingHTTPServer):
    """The widget vendor: things in memory; ``lose_creates`` stores a create, then answers 503."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.things: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.lose_creates = False


class _Handler(BaseHTTPRequestHandler):
    server: WidgetApi

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        return dict(json.loads(self.rfile.read(length) or b"{}"))

    def _handle(self, method: str) -> None:
        api = self.server
        path = self.path.split("?")[0]
        with api.lock:
            api.requests.append((method, path))
        if self.headers.get("x-widget-key") != KEY:
            return self._answer(401, {"error": "bad key"})
        parts = path.strip("/").split("/")
        with api.lock:
            if method == "GET" and parts == ["things"]:
                return self._answer(200, {"things": list(api.things.values())})
            if method == "POST" and parts == ["things"]:
                new = {"id": f"t{len(api.things) + 1}", **self._body()}
                api.things[new["id"]] = new
                if api.lose_creates:
                    return self._answer(503, {"error": "lost on the way back"})
                return self._answer(201, {"id": new["id"]})
            if len(parts) == 2 and parts[1] in api.things:
                if method == "PATCH":
                    api.things[parts[1]].update(self._body())
                return self._answer(200, api.things[parts[1]])
        return self._answer(404, {"error": f"no {path}"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")


@pytest.fixture
def widget_api() -> Iterator[WidgetApi]:
    with serving(WidgetApi()) as api:
        yield api


def _install(site: Path) -> None:
    install(site, PLUGIN, SCHEMA)


def _run(site: Path, api: WidgetApi, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{site}{os.pathsep}{ROOT}",
        "NO_COLOR": "1",
        "WIDGET_API_URL": url_of(api),
        "WIDGET_API_KEY": KEY,
        "RECONCILER_RETRY_BASE": "0.01",
    }
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def test_a_minimal_provider_plans_applies_and_verifies(
    tmp_path: Path, widget_api: WidgetApi
) -> None:
    _install(tmp_path / "site")
    (tmp_path / "w.yaml").write_text("kind: widget/Thing\nname: w1\ncolor: red\n")
    done = _run(tmp_path / "site", widget_api, "plan", "w.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Plan: 1 to create, 0 to update, 0 unchanged, 0 unmanaged." in done.stdout
    done = _run(tmp_path / "site", widget_api, "apply", "w.yaml", "--auto-approve", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert widget_api.things == {"t1": {"id": "t1", "name": "w1", "color": "red"}}

    (tmp_path / "w.yaml").write_text("kind: widget/Thing\nname: w1\ncolor: blue\n")
    widget_api.requests.clear()
    done = _run(tmp_path / "site", widget_api, "apply", "w.yaml", "--auto-approve", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert widget_api.things["t1"]["color"] == "blue"
    # list, Get, fingerprint re-read, PATCH, read-back: nothing else is asked of it
    assert widget_api.requests == [
        ("GET", "/things"),
        ("GET", "/things/t1"),
        ("GET", "/things/t1"),
        ("PATCH", "/things/t1"),
        ("GET", "/things/t1"),
    ]


def test_without_adopts_a_lost_create_is_not_sent_again(
    tmp_path: Path, widget_api: WidgetApi
) -> None:
    _install(tmp_path / "site")
    (tmp_path / "w.yaml").write_text("kind: widget/Thing\nname: w1\ncolor: red\n")
    widget_api.lose_creates = True
    done = _run(tmp_path / "site", widget_api, "apply", "w.yaml", "--auto-approve", cwd=tmp_path)
    assert done.returncode == 4, done.stdout + done.stderr
    assert [r for r in widget_api.requests if r[0] == "POST"] == [("POST", "/things")]
    assert len(widget_api.things) == 1  # one object, no twin
    assert "Traceback" not in done.stderr
    assert (
        "    createThing (create) failed: createThing: HTTP 503: "
        '{"error": "lost on the way back"}; it may have been created, and the widget provider '
        "cannot look it up: check the account before applying again\n"
    ) in done.stdout
