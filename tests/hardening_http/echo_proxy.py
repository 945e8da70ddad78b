"""A vendor that echoes what it was sent: a proxy to the real sandbox whose writes fail.

Every GET is forwarded to the sandbox unchanged, so plan sees a real account; every write is
refused with a 400 whose message repeats each string of the request body in one encoding
(raw, JSON-escaped, URL-encoded, HTML-escaped, whitespace-collapsed, base64), as careless
vendors do. What the tool prints or journals after that must hold none of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from fake_vendor import echo_forms
from local_server import serving


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class _Handler(BaseHTTPRequestHandler):
    server: EchoProxy  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        key = self.headers["x-api-key"]
        answer = self.server.upstream.get(self.path, headers={"x-api-key": key})
        self._reply(answer.status_code, answer.content, answer.headers["content-type"])

    def _echo(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.writes += 1
        sent = _strings(json.loads(raw or b"null"))
        echoed = " | ".join(echo_forms(s)[self.server.encoding] for s in sent)
        message = f"invalid request: you sent {echoed}"
        body = {"code": 0, "error_code": "invalid_request", "message": message}
        self._reply(400, json.dumps(body).encode(), "application/json")

    do_POST = do_PUT = do_PATCH = _echo


class EchoProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, encoding: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = httpx.Client(base_url=upstream, timeout=10)
        self.encoding = encoding
        self.writes = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def echo_proxy(upstream: str, encoding: str) -> Iterator[EchoProxy]:
    with serving(EchoProxy(upstream, encoding)) as server:
        try:
            yield server
        finally:
            server.upstream.close()
