"""What sends one HTTP request: a lean keep-alive pool on http.client, or httpx behind a proxy.

Why not httpx.Client for every request: measured against the sandbox at 16 in flight, httpx
spent about 1.1 ms of CPU a request (URL parsing and merging, cookies, header models, its
pool), http.client about 0.35 ms; on two cores that CPU is most of a 10,000-integration plan.
The API client needs little of httpx: one base URL, a few fixed headers, JSON in and out, no
cookies, no redirects. httpx stays where it does more: a proxy from the environment
(``HTTPS_PROXY``, ``NO_PROXY``), handled as before by ``HttpxTransport``.

Failures are raised as this module's ``TransportFailure`` classes, named as httpx names them
(``ConnectError``, ``ReadTimeout``…), so the messages users see name the same errors whichever
transport sent the request. httpx itself is imported only by ``HttpxTransport`` (and for an
https context): importing it costs about 0.1 s, a tenth of a small plan.
"""

from __future__ import annotations

import codecs
import contextlib
import http.client
import select
import socket
import ssl
import threading
import urllib.request
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx

READ_SIZE = 256 * 1024  # bytes asked of the socket at once: one read for a usual answer
INFLATE_PIECE = 1024 * 1024  # decompressed bytes made at once: a bomb never inflates unbounded
ACCEPT_ENCODING = "gzip, deflate"


class TransportFailure(Exception):
    """A request got no (whole) answer: httpx's ``HTTPError`` role. ``name`` says which kind
    of failure, as httpx calls it, for messages."""

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.name = name or type(self).__name__


class TransportTimeout(TransportFailure):
    """No answer in time (httpx's ``TimeoutException``)."""


class ConnectTimeout(TransportTimeout):
    pass


class ReadTimeout(TransportTimeout):
    pass


class WriteTimeout(TransportTimeout):
    pass


class ConnectError(TransportFailure):
    pass


class ReadError(TransportFailure):
    pass


class WriteError(TransportFailure):
    pass


class LocalProtocolError(TransportFailure):
    pass


class RemoteProtocolError(TransportFailure):
    pass


class DecodingError(TransportFailure):
    pass


@dataclass(frozen=True)
class Timeouts:
    connect: float
    read: float


class Answer(Protocol):
    """A response whose body is read in decompressed chunks; close() releases the connection."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]:  # lower-case names
        ...

    @property
    def encoding(self) -> str | None: ...

    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class Transport(Protocol):
    """Sends one request to an absolute URL (``scheme://host:port/path?query``)."""

    def send(
        self,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        timeouts: Timeouts,
    ) -> Answer: ...

    def close(self) -> None: ...


def charset(content_type: str | None) -> str | None:
    """The ``charset`` of a Content-Type value, if it names one Python knows."""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            value = value.strip("\"' ")
            try:
                return codecs.lookup(value).name
            except LookupError:
                return None
    return None


# -- the lean pool ------------------------------------------------------------------------


class PooledTransport:
    """Keep-alive HTTP/1.1 connections (http.client), reused by any thread, one request each.

    An idle connection the server has closed (or sent anything on) is readable: it is dropped
    before reuse rather than failing the next request, as httpcore does.
    """

    def __init__(self, *, verify: bool = True, max_idle: int = 64):
        self._verify = verify
        self._max_idle = max_idle
        self._idle: dict[tuple[str, str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None

    def send(
        self,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        timeouts: Timeouts,
    ) -> Answer:
        scheme, _, rest = url.partition("://")
        authority, slash, target = rest.partition("/")
        target = slash + target
        host, port = _host_port(authority, scheme)
        key = (scheme, host, port)
        conn = self._take(key) or self._connection(key, timeouts.connect)
        try:
            if conn.sock is None:
                try:
                    conn.connect()
                except TimeoutError:
                    raise ConnectTimeout("timed out") from None
                except OSError as exc:
                    raise ConnectError(str(exc)) from None
            assert conn.sock is not None
            if conn.sock.gettimeout() != timeouts.read:  # each change is a system call
                conn.sock.settimeout(timeouts.read)
            try:
                conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                conn.putheader("Host", authority)
                conn.putheader("Accept-Encoding", ACCEPT_ENCODING)
                for name, value in headers:
                    conn.putheader(name, value)
                if body is not None:
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
            except TimeoutError:
                raise WriteTimeout("timed out") from None
            except (http.client.HTTPException, ValueError) as exc:  # cannot be sent as is
                raise LocalProtocolError(f"{type(exc).__name__}: {exc}") from None
            except OSError as exc:
                raise WriteError(str(exc)) from None
            try:
                response = conn.getresponse()
            except TimeoutError:
                raise ReadTimeout("timed out") from None
            except http.client.HTTPException as exc:
                raise RemoteProtocolError(f"{type(exc).__name__}: {exc}") from None
            except OSError as exc:
                raise ReadError(str(exc)) from None
        except BaseException:
            conn.close()
            raise
        return _PooledAnswer(self, key, conn, response)

    def _connection(self, key: tuple[str, str, int], timeout: float) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._context()
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        conn.response_class = _Response
        return conn

    def _context(self) -> ssl.SSLContext:
        """Certificates as httpx loads them (certifi, SSL_CERT_FILE), made on first use."""
        if self._ssl is None:
            if not self._verify:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                self._ssl = context
            else:
                import httpx  # its certificate rules (certifi, SSL_CERT_FILE)

                self._ssl = httpx.create_ssl_context()
        return self._ssl

    def _take(self, key: tuple[str, str, int]) -> http.client.HTTPConnection | None:
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                conn = idle.pop()
                if conn.sock is not None and not _readable(conn.sock):
                    return conn
                conn.close()
        return None

    def give_back(self, key: tuple[str, str, int], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._max_idle:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for conn in conns:
            conn.close()


MAX_HEADER_LINE = 65536  # as http.client
MAX_HEADERS = 100


class _Headers:
    """A response's headers: first value by lower-case name, and every (name, value) pair."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs
        self.first: dict[str, str] = {}
        for name, value in pairs:
            self.first.setdefault(name.lower(), value)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.first.get(name.lower(), default)

    def items(self) -> list[tuple[str, str]]:
        return self.pairs


def _header_pairs(fp: Any) -> list[tuple[str, str]]:
    """The header block of a response, within http.client's limits (folded lines joined).

    Why not http.client's own: it parses with the email package, about a third of the CPU of
    a request here. The usual block is already buffered whole: it is split at once; anything
    unusual (bare LFs, folding, a limit reached, a block still arriving) is read line by line.
    """
    buffered = fp.peek(1) if hasattr(fp, "peek") else b""
    end = buffered.find(b"\r\n\r\n")
    if end > 0:
        lines = buffered[:end].split(b"\r\n")
        if len(lines) <= MAX_HEADERS and all(_plain_line(line) for line in lines):
            fp.read(end + 4)
            pairs: list[tuple[str, str]] = []
            for line in lines:
                name, _, value = line.decode("iso-8859-1").partition(":")
                pairs.append((name.strip(), value.strip()))
            return pairs
    return _header_lines(fp)


def _plain_line(line: bytes) -> bool:
    """A header line the quick split reads as the line-by-line reader would."""
    return (
        0 < len(line) <= MAX_HEADER_LINE - 2
        and b"\n" not in line
        and b"\r" not in line
        and line[:1] not in (b" ", b"\t")
    )


def _header_lines(fp: Any) -> list[tuple[str, str]]:
    """The header block read line by line (see _header_pairs)."""
    pairs: list[tuple[str, str]] = []
    while True:
        line = fp.readline(MAX_HEADER_LINE + 1)
        if len(line) > MAX_HEADER_LINE:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n", b""):
            return pairs
        if len(pairs) >= MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        text = line.decode("iso-8859-1")
        if text[:1] in (" ", "\t") and pairs:  # an obsolete folded continuation
            name, value = pairs[-1]
            pairs[-1] = (name, f"{value} {text.strip()}")
            continue
        name, _, value = text.partition(":")
        pairs.append((name.strip(), value.strip()))


class _Response(http.client.HTTPResponse):
    """http.client's response with a lighter header parser; the rest of ``begin`` as there."""

    def begin(self) -> None:
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status != http.client.CONTINUE:
                break
            _header_pairs(self.fp)  # the headers of a 100 Continue
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = _Headers(_header_pairs(self.fp))
        encoding = self.headers.get("transfer-encoding")
        self.chunked = bool(encoding and encoding.lower() == "chunked")
        self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (204, 304) or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True


class _PooledAnswer:
    def __init__(
        self,
        pool: PooledTransport,
        key: tuple[str, str, int],
        conn: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
    ):
        self._pool = pool
        self._key = key
        self._conn: http.client.HTTPConnection | None = conn
        self._response = response
        self._complete = False  # read to its end: the connection may serve another request
        self.status = response.status
        self.headers = {name.lower(): value for name, value in reversed(response.getheaders())}

    @property
    def encoding(self) -> str | None:
        return charset(self.headers.get("content-type"))

    def chunks(self) -> Iterator[bytes]:
        return _inflated(self._raw(), self.headers.get("content-encoding"))

    def _raw(self) -> Iterator[bytes]:
        response = self._response
        while True:
            try:
                chunk = response.read1(READ_SIZE)
            except TimeoutError:
                raise ReadTimeout("timed out") from None
            except http.client.HTTPException as exc:
                raise RemoteProtocolError(f"{type(exc).__name__}: {exc}") from None
            except OSError as exc:
                raise ReadError(str(exc)) from None
            if not chunk:
                self._complete = True
                return
            yield chunk
            if response.length == 0:  # all of a Content-Length body: no read for the end
                self._complete = True
                return

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._complete and not self._response.will_close:
            self._response.close()
            self._pool.give_back(self._key, conn)
        else:
            conn.close()


def _inflated(raw: Iterator[bytes], encoding: str | None) -> Iterator[bytes]:
    """The decompressed body (gzip or deflate), in pieces of at most INFLATE_PIECE bytes."""
    name = (encoding or "identity").strip().lower()
    if name not in ("gzip", "deflate", "x-gzip"):
        yield from raw
        return
    wbits = zlib.MAX_WBITS | 16 if name != "deflate" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    first = True
    try:
        for chunk in raw:
            if first and name == "deflate" and chunk[:1] and (chunk[0] & 0x0F) != 8:
                inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no zlib header
            first = False
            data = chunk
            while data:
                piece = inflater.decompress(data, INFLATE_PIECE)
                if piece:
                    yield piece
                data = inflater.unconsumed_tail
        rest = inflater.flush()
        if rest:
            yield rest
    except zlib.error as exc:
        raise DecodingError(str(exc)) from None


def _host_port(authority: str, scheme: str) -> tuple[str, int]:
    authority = authority.rpartition("@")[2]
    host, _, port = authority.rpartition(":")
    if not host or "]" in port:  # no port given (or an IPv6 literal without one)
        host, port = authority, ""
    host = host.strip("[]")
    return host, int(port) if port else (443 if scheme == "https" else 80)


def _readable(sock: socket.socket) -> bool:
    """Whether an idle socket has something to read (an EOF: the server closed it)."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


# -- httpx, where a proxy is configured ---------------------------------------------------


def proxied(url: str) -> bool:
    """Whether the environment sends requests for ``url`` through a proxy (as httpx would)."""
    proxies = urllib.request.getproxies_environment()
    if not proxies:
        return False
    import httpx

    parsed = httpx.URL(url)
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if bypass(parsed.host, proxies):
        return False
    return any(k in proxies for k in (parsed.scheme, "all"))


class HttpxTransport:
    """Requests sent by an httpx.Client (env proxies, or any httpx transport given to it)."""

    def __init__(self, *, verify: bool = True, transport: httpx.BaseTransport | None = None):
        import httpx

        self._httpx = httpx
        self._http = httpx.Client(verify=verify, transport=transport, trust_env=True)

    def send(
        self,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        timeouts: Timeouts,
    ) -> Answer:
        httpx = self._httpx
        with _translated(httpx):
            request = self._http.build_request(
                method,
                url,
                headers=list(headers),
                content=body,
                timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            )
            return _HttpxAnswer(self._http.send(request, stream=True), httpx)

    def close(self) -> None:
        self._http.close()


@contextlib.contextmanager
def _translated(httpx: Any) -> Iterator[None]:
    """httpx's failures raised as this module's, under httpx's own class name."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise TransportTimeout(str(exc), type(exc).__name__) from None
    except httpx.HTTPError as exc:
        raise TransportFailure(str(exc), type(exc).__name__) from None


class _HttpxAnswer:
    def __init__(self, response: httpx.Response, httpx: Any):
        self._response = response
        self._httpx = httpx
        self.status = response.status_code
        self.headers = {k.lower(): v for k, v in response.headers.items()}

    @property
    def encoding(self) -> str | None:
        return charset(self.headers.get("content-type"))

    def chunks(self) -> Iterator[bytes]:
        with _translated(self._httpx):
            yield from self._response.iter_bytes()

    def close(self) -> None:
        self._response.close()
