"""A real HTTP transport that counts what it sends.

Why a wrapper and not a mock: the requests still go over TCP to a real server on 127.0.0.1 (or
to a port nobody listens on), so the client's retries meet real refusals, timeouts and 5xx;
the count is what no server can report (attempts that never connected).
"""

from __future__ import annotations

import threading

import httpx


class CountingTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport`` that records each request's method and path before sending it."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self._lock = threading.Lock()
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent.append((request.method, request.url.path))
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()
