"""Malformed API answers give one clear error naming the integration, never a traceback.

A tiny fake RevCent (stdlib ``http.server`` on 127.0.0.1) answers the list and the catalog
correctly and one Get badly: truncated JSON, wrong types, HTML error pages, invalid UTF-8.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from helpers import write_yaml

from reconciler.cli import run
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.store import Integration
from reconciler.sandbox.revcent.views import integration_view, site_view

pytestmark = pytest.mark.reliability

ID = "BrokenIntegration001"
NAME = "Broken One"
USER = "/v2/user_third_party_integrations"
SITE = "/v2/site_third_party_integrations"


def valid_body() -> dict[str, Any]:
    """A complete, valid Get body of a ShipStation integration (options and assets saved)."""
    rec = Integration(
        id=ID,
        name=NAME,
        description="Fulfilment.",
        enabled=True,
        site_id=catalog.SHIPSTATION,
        credential_id="shipstation_credentials",
        credential_values={"api_key": "k", "api_secret": "s"},
        options=[
            {"id": "store", "fields": [{"id": "store_id", "value": ["main-store"]}]},
            {"id": "shipping_services", "fields": [{"id": "service_ids", "value": ["ground"]}]},
        ],
    )
    return integration_view(rec)


def envelope(**fields: Any) -> dict[str, Any]:
    return {"api_call_id": "x" * 20, "api_call_unix": 1, "code": 1, **fields}


def with_change(change: Callable[[dict[str, Any]], None]) -> bytes:
    body = copy.deepcopy(envelope(**valid_body()))
    change(body)
    return json.dumps(body).encode()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        target: Any = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.pop(key)


OPTIONS = "third_party_options_saved"
SITE_KEY = "site_third_party_integration"
JSON_TYPE = "application/json"

# name -> (status, content type, body)
BROKEN: dict[str, tuple[int, str, bytes]] = {
    "truncated json": (200, JSON_TYPE, json.dumps(envelope(**valid_body())).encode()[:300]),
    "html error page": (502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "html under 200": (200, "text/html", b"<!doctype html><title>Login</title><p>Sign in"),
    "empty body": (200, JSON_TYPE, b""),
    "invalid utf-8": (200, JSON_TYPE, b'{"code": 1, "name": "\xff\xfe"}'),
    "json array": (200, JSON_TYPE, b"[1, 2, 3]"),
    "json string": (200, JSON_TYPE, b'"ok"'),
    "vendor error under 200": (
        200,
        JSON_TYPE,
        json.dumps({"code": 0, "error_code": "boom", "message": "it broke"}).encode(),
    ),
    "id is a number": (200, JSON_TYPE, with_change(_set(("id",), 12345))),
    "name missing": (200, JSON_TYPE, with_change(_drop("name"))),
    "options not a list": (200, JSON_TYPE, with_change(_set((OPTIONS,), "oops"))),
    "option not an object": (200, JSON_TYPE, with_change(_set((OPTIONS,), [1, 2]))),
    "option fields not a list": (200, JSON_TYPE, with_change(_set((OPTIONS, 0, "fields"), 7))),
    "option value not a list": (
        200,
        JSON_TYPE,
        with_change(_set((OPTIONS, 0, "fields", 0, "value"), 5)),
    ),
    "option value of objects": (
        200,
        JSON_TYPE,
        with_change(_set((OPTIONS, 0, "fields", 0, "value"), [{"a": 1}])),
    ),
    "credentials saved not a list": (
        200,
        JSON_TYPE,
        with_change(_set(("third_party_credentials_saved",), {"a": 1})),
    ),
    "enabled is text": (200, JSON_TYPE, with_change(_set(("enabled",), "yes"))),
    "description is a number": (200, JSON_TYPE, with_change(_set(("description",), 42))),
    "site not an object": (200, JSON_TYPE, with_change(_set((SITE_KEY,), []))),
    "site options not a list": (
        200,
        JSON_TYPE,
        with_change(_set((SITE_KEY, "third_party_options"), {"x": 1})),
    ),
    "site field settings not an object": (
        200,
        JSON_TYPE,
        with_change(_set((SITE_KEY, "third_party_options", 0, "fields", 0, "select_settings"), 3)),
    ),
    "site id is a number": (200, JSON_TYPE, with_change(_set((SITE_KEY, "id"), 7))),
}


class FakeRevCent:
    """Answers the list and the catalog like RevCent, and the one Get as told."""

    def __init__(self) -> None:
        self.get_answer: tuple[int, str, bytes] = (200, JSON_TYPE, b"{}")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                page = int(parse_qs(url.query).get("page", ["1"])[0])
                if url.path == USER:
                    item = valid_body() if page == 1 else None
                    results = [item] if item else []
                    self.answer(200, JSON_TYPE, _listing(results, page))
                elif url.path == SITE:
                    sites = [site_view(s) for s in catalog.SITE_INTEGRATIONS] if page == 1 else []
                    self.answer(200, JSON_TYPE, _listing(sites, page))
                elif url.path == f"{USER}/{ID}":
                    self.answer(*fake.get_answer)
                else:
                    self.answer(404, JSON_TYPE, b'{"code": 0, "error_code": "not_found"}')

            def answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: pytest shows stderr of failing tests

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeRevCent:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _listing(results: list[dict[str, Any]], page: int) -> bytes:
    body = envelope(current_count=len(results), current_page=page, results=results)
    return json.dumps(body).encode()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeRevCent]:
    with FakeRevCent() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_yaml(
        tmp_path,
        "broken.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: {NAME}
        site_integration: ShipStation
        description: Fulfilment, managed.
        """,
    )


def test_the_fake_answers_a_valid_body_that_plans(fake, config, capsys, monkeypatch):
    """The control: with a good Get the same plan works, so each failure below is the Get's."""
    monkeypatch.setenv("REVCENT_API_KEY", "k")
    monkeypatch.setenv("REVCENT_API_URL", fake.url)
    fake.get_answer = (200, JSON_TYPE, json.dumps(envelope(**valid_body())).encode())
    assert run(["plan", str(config)]) == 0
    assert "Plan: 0 to create, 1 to update" in capsys.readouterr().out


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_malformed_get_is_one_clear_line_naming_the_integration(
    case, fake, config, capsys, monkeypatch
):
    monkeypatch.setenv("REVCENT_API_KEY", "k")
    monkeypatch.setenv("REVCENT_API_URL", fake.url)
    monkeypatch.setenv("RECONCILER_RETRY_BASE_DELAY", "0.001")  # retries, fast
    fake.get_answer = BROKEN[case]
    code = run(["plan", str(config), "--timeout", "5"])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and f"{NAME} ({ID})" in lines[0], err
