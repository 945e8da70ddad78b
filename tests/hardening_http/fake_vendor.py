"""A hostile fake vendor on 127.0.0.1: each mode misbehaves in one way a real server might.

Why not the sandbox: the sandbox is a faithful vendor; these are the broken and hostile ones
(tricklers, page-ignorers, gzip bombs, echoes of the API key in every encoding).
"""

from __future__ import annotations

import base64
import html
import json
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, quote_plus

from local_server import serving


def echo_forms(secret: str) -> dict[str, str]:
    """The key as a careless vendor would echo it back, by encoding name."""
    return {
        "raw": secret,
        "json": json.dumps(secret)[1:-1],
        "quote": quote(secret, safe=""),
        "quote_plus": quote_plus(secret),
        "html": html.escape(secret),
        "collapsed": " ".join(secret.split()),
        "base64": base64.b64encode(secret.encode()).decode(),
        "basic": base64.b64encode(f"user:{secret}".encode()).decode(),
        "cut": "x" * 290 + secret,  # straddles the 300-character snippet limit
    }


class Handler(BaseHTTPRequestHandler):
    server: FakeVendor  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        mode, arg = self.server.mode, self.server.arg
        self.server.hits += 1
        if mode == "echo":
            text = echo_forms(self.headers.get("x-api-key", ""))[arg]
            if arg == "cut":
                self._send(401, text.encode(), {"Content-Type": "text/plain"})
            else:
                body = {"code": 0, "error_code": "invalid_api_key", "message": f"bad key {text}"}
                self._send(401, json.dumps(body).encode())
        elif mode == "trickle":
            body = json.dumps({"code": 1, "results": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
        elif mode == "ignore-page":
            results = [_integration(i) for i in range(25)]
            self._send(200, json.dumps({"code": 1, "results": results}).encode())
        elif mode == "inflate":
            self._send(200, self.server.bomb, {"Content-Encoding": "gzip"})
        elif mode == "deep":
            depth = 200_000
            self._send(200, b'{"code": 1, "results": ' + b"[" * depth + b"]" * depth + b"}")
        elif mode == "twins":  # a vendor that let two runs create one name each
            results = [{"id": f"{i:020d}", "name": name} for i, name in enumerate(arg.split(","))]
            self._send(200, json.dumps({"code": 1, "results": results}).encode())
        elif mode == "retry-after":
            self._send(429, b'{"code": 0, "message": "slow down"}', {"Retry-After": arg})
        else:
            self._send(500, b"{}")


def _integration(index: int) -> dict[str, Any]:
    return {"id": f"{index:020d}", "name": f"Integration {index}"}


def _bomb(blocks: int = 2048) -> bytes:
    """About 2 MB of gzip that inflates to 2 GiB of zeros (``blocks`` MiB), made in a second.

    Why not gzip.compress: deflating 2 GiB takes some 10 s. After a full flush the compressor
    starts afresh, so every later 1 MiB block deflates to the same bytes: deflate two, repeat
    the second, and close the stream by hand (an empty last block, the CRC and the size).
    """
    block = b"0" * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    last = b"\x03\x00"  # a final, empty block of fixed codes
    trailer = struct.pack("<II", crc, (blocks << 20) & 0xFFFFFFFF)
    return first + again * (blocks - 1) + last + trailer


class FakeVendor(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.mode = "echo"
        self.arg = "raw"
        self.hits = 0
        self._bomb: bytes | None = None

    @property
    def bomb(self) -> bytes:
        if self._bomb is None:
            self._bomb = _bomb()
        return self._bomb

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def running() -> Iterator[FakeVendor]:
    with serving(FakeVendor()) as server:
        yield server
