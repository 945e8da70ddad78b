"""Running a test's own fake HTTP server on 127.0.0.1 in a thread, and stopping it for sure.

Why one helper: every fake vendor of the suite (hostile servers, echoing and type-changing
proxies, the paging server) needs the same start, bounded stop and URL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import TypeVar

Server = TypeVar("Server", bound=ThreadingHTTPServer)


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """``server`` answering in a daemon thread for the block; shut down and closed after."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
