"""The client's reading of test-connection and default-mandates answers the sandbox never gives:
a second page of mandates, a server repeating its first page, a null ``successful``, a
malformed answer. A fake server of the suite's own, over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from local_server import serving

from reconciler.errors import MalformedResponse
from reconciler.http import ApiSettings, RetryPolicy
from reconciler.providers.solvimon.connection import outcome
from reconciler.providers.solvimon.provider import SolvimonProvider

MANDATES = [{"name": f"M-{n:03d}", "country": "BE"} for n in range(103)]


class _Handler(BaseHTTPRequestHandler):
    server: _Fake

    def _send(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        page, limit = int(query["page"][0]), int(query["limit"][0])
        self.server.pages.append(page)
        if self.server.mode == "repeat":
            page = 1
        self._send(MANDATES[(page - 1) * limit : page * limit])

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(self.server.answer)

    def log_message(self, *args: Any) -> None:
        pass


class _Fake(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "pages"
        self.pages: list[int] = []
        self.answer: Any = {"successful": True, "message": "ok"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def fake() -> Iterator[_Fake]:
    with serving(_Fake()) as server:
        yield server


def _provider(fake: _Fake) -> SolvimonProvider:
    retry = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
    return SolvimonProvider(ApiSettings(fake.url, "k", "X-API-KEY", retry=retry))


def test_mandates_are_read_until_a_short_page(fake: _Fake) -> None:
    solvimon = _provider(fake)
    try:
        assert solvimon.default_mandates() == MANDATES
    finally:
        solvimon.close()
    assert fake.pages == [1, 2]


def test_a_server_repeating_its_first_page_is_stopped(fake: _Fake) -> None:
    fake.mode = "repeat"
    solvimon = _provider(fake)
    try:
        with pytest.raises(MalformedResponse) as caught:
            solvimon.default_mandates()
    finally:
        solvimon.close()
    assert str(caught.value) == (
        "getIntegrationsEInvoicingDefaultMandates: /v1/integrations/e-invoicing/default-mandates "
        "page 2 repeats 100 id(s) already listed on an earlier page; the server ignores `page` "
        "or the list changed while being read: run again, and if it persists report it to the "
        "vendor"
    )
    assert fake.pages == [1, 2]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"successful": True, "message": "fine"}, (True, "fine")),
        ({"successful": None, "message": None}, (False, "(no message)")),
        ({"successful": False}, (False, "(no message)")),
    ],
)
def test_only_a_true_successful_passes(fake: _Fake, answer: Any, expected: Any) -> None:
    fake.answer = answer
    solvimon = _provider(fake)
    try:
        got = outcome(solvimon.client.test_connection({"integration_type": "DATA_EXPORT"}, {}))
    finally:
        solvimon.close()
    assert got == expected


@pytest.mark.parametrize("answer", [["x"], {"successful": "yes"}])
def test_a_malformed_test_answer_is_an_error(fake: _Fake, answer: Any) -> None:
    fake.answer = answer
    solvimon = _provider(fake)
    try:
        with pytest.raises(MalformedResponse, match="not a TestConnectionResponse"):
            solvimon.client.test_connection({"integration_type": "DATA_EXPORT"}, {})
    finally:
        solvimon.close()
