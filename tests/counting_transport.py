"""The tool's own transport, counting what it sends.

Why a wrapper and not a mock: the requests still go over TCP to a real server on 127.0.0.1 (or
to a port nobody listens on), so the client's retries meet real refusals, timeouts and 5xx;
the count is what no server can report (attempts that never connected).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from urllib.parse import urlsplit

from reconciler.transport import Answer, PooledTransport, Timeouts


class CountingTransport:
    """``PooledTransport`` that records each request's method and path before sending it."""

    def __init__(self) -> None:
        self._inner = PooledTransport()
        self._lock = threading.Lock()
        self.sent: list[tuple[str, str]] = []

    def send(
        self,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        timeouts: Timeouts,
    ) -> Answer:
        with self._lock:
            self.sent.append((method, urlsplit(url).path))
        return self._inner.send(method, url, headers, body, timeouts)

    def close(self) -> None:
        self._inner.close()
