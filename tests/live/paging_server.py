"""A fake RevCent on 127.0.0.1 that pages honestly, slowly, and records what was in flight.

Why not the sandbox: the property under test is how many list requests overlap and when the
first Get arrives, which the sandbox does not record. Bodies are the smallest valid ones.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local_server import serving

USER = "/v2/user_third_party_integrations"


class Handler(BaseHTTPRequestHandler):
    server: PagingServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two small writes: without this, Nagle holds the body back
    # for the client's delayed ACK (some 40 ms a request, on top of the latency under test).
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        server = self.server
        url = urlsplit(self.path)
        listing = url.path == USER
        status = 200
        with server.lock:
            server.log.append(("list" if listing else "get", time.monotonic()))
            server.requests_in_flight += 1
            server.most_requests_in_flight = max(
                server.most_requests_in_flight, server.requests_in_flight
            )
            if listing:
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            time.sleep(server.latency)
            if listing:
                query = parse_qs(url.query)
                page, limit = int(query["page"][0]), int(query["limit"][0])
                items = server.items[(page - 1) * limit : page * limit]
                body: dict[str, Any] = {"code": 1, "results": items}
                with server.lock:
                    server.pages.append(page)
            else:
                object_id = url.path.rsplit("/", 1)[-1]
                if object_id in server.gone:
                    status, body = 404, {"code": 0, "message": f"no integration {object_id}"}
                else:
                    name = next(i["name"] for i in server.items if i["id"] == object_id)
                    body = {"code": 1, "id": object_id, "name": name}
        finally:
            with server.lock:
                server.requests_in_flight -= 1
                if listing:
                    server.in_flight -= 1
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class PagingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, count: int, latency: float, gone: frozenset[str] = frozenset()):
        super().__init__(("127.0.0.1", 0), Handler)
        self.gone = gone  # listed ids whose Get answers 404 (deleted after the listing)
        self.items = [{"id": f"{i:020d}", "name": f"Integration {i}"} for i in range(count)]
        self.latency = latency
        self.lock = threading.Lock()
        self.in_flight = 0  # list requests
        self.most_in_flight = 0
        self.requests_in_flight = 0  # all requests
        self.most_requests_in_flight = 0
        self.pages: list[int] = []  # list pages served, in the order they were answered
        self.log: list[tuple[str, float]] = []  # ("list" | "get", arrival)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def paging_server(
    count: int, latency: float, gone: frozenset[str] = frozenset()
) -> Iterator[PagingServer]:
    with serving(PagingServer(count, latency, gone)) as server:
        yield server
