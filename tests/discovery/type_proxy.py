"""A vendor whose integration type changes under an edit: a proxy to the real sandbox.

Every request is forwarded unchanged; once a write has gone through, the Get of a user
integration answers with its site's ``integration_type`` replaced, as a vendor that moved an
integration to another type would. Verification after the edit must notice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from local_server import serving

USER = "/v2/user_third_party_integrations/"


class _Handler(BaseHTTPRequestHandler):
    server: TypeProxy  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, answer: httpx.Response, content: bytes) -> None:
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("content-type", "application/json"))
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self) -> None:
        answer = self.server.upstream.get(
            self.path, headers={"x-api-key": self.headers["x-api-key"]}
        )
        content = answer.content
        if self.server.writes and self.path.startswith(USER) and answer.status_code == 200:
            body = answer.json()
            body["site_third_party_integration"]["integration_type"] = self.server.becomes
            content = json.dumps(body).encode()
        self._reply(answer, content)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.upstream.post(
            self.path,
            content=raw,
            headers={"x-api-key": self.headers["x-api-key"], "content-type": "application/json"},
        )
        self.server.writes += 1
        self._reply(answer, answer.content)


class TypeProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, becomes: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = httpx.Client(base_url=upstream, timeout=10)
        self.becomes = becomes
        self.writes = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def type_proxy(upstream: str, becomes: str) -> Iterator[TypeProxy]:
    with serving(TypeProxy(upstream, becomes)) as server:
        try:
            yield server
        finally:
            server.upstream.close()
