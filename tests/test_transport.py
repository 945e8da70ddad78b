"""The lean transport: the URLs httpx would build, keep-alive reuse, chunked and compressed
bodies, and idle connections the server closed, against a fake server on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.client
import json
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from local_server import serving, url_of

from reconciler.connect import host_key
from reconciler.http import ApiClient, ApiSettings, plain_base
from reconciler.transport import PooledTransport, RemoteProtocolError, Timeouts

BODY = {"code": 1, "results": [{"id": "a", "name": "ü [x] {y}"}]}
TIMEOUTS = Timeouts(connect=5, read=5)


class Handler(BaseHTTPRequestHandler):
    server: Fake  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        data = json.dumps(BODY).encode()
        mode = self.path.rsplit("/", 1)[-1].split("?")[0]
        headers = {"Content-Type": "application/json"}
        if mode == "gzip":
            data, headers["Content-Encoding"] = gzip.compress(data), "gzip"
        elif mode == "deflate":
            data, headers["Content-Encoding"] = zlib.compress(data), "deflate"
        elif mode == "raw-deflate":
            squeeze = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            data = squeeze.compress(data) + squeeze.flush()
            headers["Content-Encoding"] = "deflate"
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        if mode == "folded":  # an obsolete continuation line, still legal to receive
            self._headers_buffer.append(b"Retry-After: 1\r\nX-Note: one\r\n two\r\n")
        if mode == "many-headers":
            for i in range(101):
                self.send_header(f"X-{i}", "x")
        if mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (data[:7], data[7:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        if mode == "hang-up":  # an idle timeout, without saying Connection: close
            self.close_connection = True


class Fake(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.connections = 0


@pytest.fixture
def fake() -> Iterator[Fake]:
    with serving(Fake()) as server:
        yield server


@pytest.mark.parametrize(
    ("base", "path", "params"),
    [
        ("http://127.0.0.1:8080", "/v2/user_third_party_integrations", {"limit": 25, "page": 3}),
        ("http://127.0.0.1:8080/", "/v2/user_third_party_integrations/abc_DEF-1.2~", None),
        ("http://Example.COM:80/api", "/v1/integrations", {"integration_type": "TAX"}),
        ("https://example.com:443", "/v1/integrations/test-connection", {"flag": True}),
        ("http://127.0.0.1:8080", "/v1/x y/ü", {"name": "a b&c=d", "n": None}),
        ("http://127.0.0.1:8080", "/v1/x?already=1", {"page": 2}),
        ("http://127.0.0.1:8080", "/v1/a%2Fb/../c", {"list": [1, 2]}),
        ("http://127.0.0.1:8080/base?q=1", "/v1/integrations", {"page": 1}),
        ("http://127.0.0.1:8080", "/v1/integrations", {}),
    ],
)
def test_urls_are_the_ones_httpx_builds(base: str, path: str, params: Any) -> None:
    with httpx.Client(base_url=base.rstrip("/")) as reference:  # as ApiClient did
        expected = str(reference.build_request("GET", path, params=params).url)
    client = ApiClient(ApiSettings(base, "k"))
    try:
        assert client._url(path, params) == expected
    finally:
        client.close()


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http", "https", "HTTP"]),
    st.sampled_from(
        [
            "127.0.0.1",
            "example.com",
            "a-b.c0",
            "Example.com",
            "1.2.3.999",
            "01.2.3.4",
            "x-",
            "h_1",
            "[::1]",
            "10.0.0.1",
        ]
    ),
    st.sampled_from(["", ":80", ":443", ":8080", ":0", ":00080", ":65535", ":65536", ":99999"]),
    st.lists(st.sampled_from(["v2", "a.b", "..", ".", "", "x~y", "ü", "a%2F", "-"]), max_size=3),
)
def test_a_plain_base_is_one_httpx_writes_back_as_it_is(
    scheme: str, host: str, port: str, segments: list[str]
) -> None:
    """Bases that skip URL parsing (and the httpx import) must be exactly httpx's answer."""
    base = f"{scheme}://{host}{port}" + "".join(f"/{s}" for s in segments)
    if not plain_base(base):
        return
    parsed = httpx.URL(base + "/")
    assert str(parsed).rstrip("/") == base and not parsed.query
    assert host_key(base) == (
        parsed.scheme,
        parsed.host,
        parsed.port or {"http": 80}.get(parsed.scheme, 443),
    )


def test_a_run_against_a_plain_base_never_imports_httpx(fake: Fake) -> None:
    """httpx costs about 0.1 s to import: the lean pool and plain URLs do not need it."""
    probe = (
        "import sys, json\n"
        "from reconciler.http import ApiClient, ApiSettings\n"
        "client = ApiClient(ApiSettings(sys.argv[1], 'k'))\n"
        "body = client.request('GET', '/plain', operation='probe', params={'page': 1})\n"
        "client.close()\n"
        "print(json.dumps(body), 'httpx' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, url_of(fake)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{json.dumps(BODY)} False"


def test_one_connection_serves_request_after_request(fake: Fake) -> None:
    pool = PooledTransport()
    try:
        for _ in range(5):
            answer = pool.send("GET", f"{url_of(fake)}/plain", [], None, TIMEOUTS)
            assert json.loads(b"".join(answer.chunks())) == BODY
            answer.close()
    finally:
        pool.close()
    assert fake.connections == 1


@pytest.mark.parametrize("mode", ["chunked", "gzip", "deflate", "raw-deflate"])
def test_chunked_and_compressed_bodies_are_decoded(fake: Fake, mode: str) -> None:
    client = ApiClient(ApiSettings(url_of(fake), "k"))
    try:
        assert client.request("GET", f"/{mode}", operation="Get") == BODY
        assert client.request("GET", f"/{mode}", operation="Get") == BODY
    finally:
        client.close()
    assert fake.connections == 1  # read to their end, so the connection was kept


def test_a_connection_the_server_closed_while_idle_is_not_reused(fake: Fake) -> None:
    client = ApiClient(ApiSettings(url_of(fake), "k"))
    try:
        assert client.request("GET", "/hang-up", operation="Get") == BODY
        deadline = time.monotonic() + 5
        while fake.connections < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the server's FIN reaches the idle socket
        assert client.request("GET", "/plain", operation="Get") == BODY
    finally:
        client.close()
    assert fake.connections == 2 and client.requests_sent == 2


def test_headers_are_read_within_http_clients_limits(fake: Fake) -> None:
    pool = PooledTransport()
    try:
        answer = pool.send("GET", f"{url_of(fake)}/folded", [], None, TIMEOUTS)
        assert answer.headers["x-note"] == "one two" and answer.headers["retry-after"] == "1"
        assert json.loads(b"".join(answer.chunks())) == BODY
        answer.close()
        with pytest.raises(RemoteProtocolError, match="more than 100 headers"):
            pool.send("GET", f"{url_of(fake)}/many-headers", [], None, TIMEOUTS)
    finally:
        pool.close()


class _CookieHandler(BaseHTTPRequestHandler):
    """Sets a cookie on every answer and records the Cookie header each request carried."""

    server: _CookieServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.cookies.append(self.headers.get("Cookie"))
        data = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Set-Cookie", "session=1; Path=/")
        self.end_headers()
        self.wfile.write(data)


class _CookieServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CookieHandler)
        self.cookies: list[str | None] = []


@pytest.mark.parametrize(("setting", "second"), [(None, None), ("httpx", "session=1")])
def test_the_operator_can_send_every_request_through_httpx(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, second: str | None
) -> None:
    """httpx keeps a cookie jar and the lean pool does not: which one sent is observable."""
    if setting is None:
        monkeypatch.delenv("RECONCILER_HTTP_TRANSPORT", raising=False)
    else:
        monkeypatch.setenv("RECONCILER_HTTP_TRANSPORT", setting)
    with serving(_CookieServer()) as server:
        client = ApiClient(ApiSettings(url_of(server), "k"))
        try:
            for _ in range(2):
                assert client.request("GET", "/x", operation="x") == {"ok": True}
        finally:
            client.close()
    assert server.cookies == [None, second]


HEADER_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"Content-Type: application/json",
                b"Content-Length: 2",
                b" folded",
                b"\tfolded",
                b"X-Bare: a\nY: b",
                b"X-CR: a\rb",
                b"NoColon",
                b": empty name",
                b"",
                b"X:  spaced  ",
            ]
        ),
        st.binary(max_size=12),
    ),
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(HEADER_LINES, st.sampled_from([b"\r\n", b"\n"]), st.binary(max_size=8))
def test_the_quick_header_split_reads_as_the_line_reader(
    lines: list[bytes], ending: bytes, body: bytes
) -> None:
    """Whatever the block, both readers give the same headers (or the same error) and leave
    the same bytes for the body."""
    import io

    from reconciler import transport

    raw = b"".join(line + ending for line in lines) + ending + body

    def outcome(read: Any) -> Any:
        fp = io.BufferedReader(io.BytesIO(raw))
        try:
            return read(fp), fp.read()
        except Exception as exc:
            return type(exc).__name__, str(exc)

    assert outcome(transport._header_pairs) == outcome(transport._header_lines)


def test_a_header_line_at_http_clients_limit_is_refused_by_either_reader() -> None:
    import io

    from reconciler import transport

    for size in (transport.MAX_HEADER_LINE - 2, transport.MAX_HEADER_LINE - 1):
        raw = b"X: " + b"a" * (size - 3) + b"\r\n\r\n"
        fp = io.BufferedReader(io.BytesIO(raw), buffer_size=2 * transport.MAX_HEADER_LINE)
        if size + 2 <= transport.MAX_HEADER_LINE:
            assert transport._header_pairs(fp) == [("X", "a" * (size - 3))]
        else:
            with pytest.raises(http.client.LineTooLong):
                transport._header_pairs(fp)
