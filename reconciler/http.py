"""One HTTP client for every vendor: timeouts, User-Agent, retries, rate limit, error mapping.

Why here and not per provider: retries, the shared rate limiter and the mapping of statuses to
the one exception tree must behave the same for every vendor and every command. Providers only
say how to authenticate and how to recognise a vendor error body.
"""

from __future__ import annotations

import email.utils
import itertools
import json
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from reconciler import __version__
from reconciler.errors import (
    ApiError,
    AuthError,
    ConfigError,
    MalformedResponse,
    NotFoundError,
    RateLimited,
    RequestRejected,
    ServerError,
    TransportError,
)
from reconciler.project import REPOSITORY
from reconciler.ratelimit import RateLimiter
from reconciler.redaction import register_secret, scrub, truncate
from reconciler.transport import (
    Answer,
    HttpxTransport,
    PooledTransport,
    Timeouts,
    Transport,
    TransportFailure,
    TransportTimeout,
    proxied,
)

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"reconciler/{__version__} (+{REPOSITORY})"
BODY_LIMIT = 300
# Bounds against a hostile or broken server (docs/hostile-servers.md); env overrides for ops.
DEADLINE = 60.0  # seconds for one whole answer, however slowly its bytes trickle in
MAX_RETRY_AFTER = 120.0  # a 429 asking for longer fails at once instead of hanging
MAX_BODY = 32 * 1024 * 1024  # decompressed bytes of one answer
MAX_DEPTH = 100  # JSON nesting of one answer
MAX_PAGES = 10_000  # pages of one listing
BASE_DELAY = 0.2  # seconds before the first retry (doubling, jittered, up to max_delay)

TRANSPORT_ENV = "RECONCILER_HTTP_TRANSPORT"  # "httpx": send every request through httpx


def _env_float(name: str, default: float) -> float:
    """A positive number from the environment, else ``default`` (garbage is ignored)."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


@dataclass
class RetryPolicy:
    """How often and how long to retry temporary failures (jittered exponential backoff).

    ``RECONCILER_RETRY_BASE_DELAY`` sets the first backoff (seconds) of a policy made without
    one: longer on a flaky link, tiny in a test that runs the CLI against a failing server.
    """

    attempts: int = 6
    base_delay: float = field(
        default_factory=lambda: _env_float("RECONCILER_RETRY_BASE_DELAY", BASE_DELAY)
    )
    max_delay: float = 10.0
    rate_limited_for: float = 300.0  # 429s are retried (they did nothing) for this long at most

    def delay(self, attempt: int) -> float:
        """Full-jitter backoff for the ``attempt``-th retry (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)


@dataclass
class ApiSettings:
    """Where and how to reach a vendor API; the key never comes from the command line."""

    base_url: str
    api_key: str
    auth_header: str = "x-api-key"
    timeout: float = 30.0
    max_rps: float | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    deadline: float = field(
        default_factory=lambda: _env_float("RECONCILER_HTTP_DEADLINE", DEADLINE)
    )
    max_retry_after: float = field(
        default_factory=lambda: _env_float("RECONCILER_MAX_RETRY_AFTER", MAX_RETRY_AFTER)
    )
    max_body: int = field(
        default_factory=lambda: int(_env_float("RECONCILER_MAX_BODY_MB", MAX_BODY / 2**20) * 2**20)
    )
    max_depth: int = MAX_DEPTH
    # What sends the requests (None: the lean pool, or httpx behind a proxy; see transport.py).
    # Tests wrap a real one to count requests; every client made from these settings uses it.
    transport: Transport | None = field(default=None, repr=False, compare=False)


ErrorParser = Callable[[Any], "tuple[str | None, str | None] | None"]


class ApiClient:
    """A thread-safe JSON client for one vendor API.

    ``vendor_error`` reads a decoded body and returns ``(error_code, message)`` when the body is
    an error even under a 200 (RevCent's ``code: 0``), else None.
    """

    def __init__(
        self,
        settings: ApiSettings,
        *,
        vendor_error: ErrorParser | None = None,
        limiter: RateLimiter | None = None,
        pool_size: int = 64,
    ):
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.max_rps)
        self._vendor_error = vendor_error or (lambda body: None)
        self.requests_sent = 0
        self._count_lock = threading.Lock()
        register_secret(settings.api_key)  # a 401 echoing the key must not print it
        for value in settings.extra_headers.values():
            register_secret(value)
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            settings.auth_header: settings.api_key,
            **settings.extra_headers,
        }
        # No single read may outlast the whole answer's deadline.
        read = min(settings.timeout, settings.deadline)
        self._timeouts = Timeouts(connect=min(10.0, read), read=read)
        base_url = settings.base_url.rstrip("/")
        if not _valid_base(base_url):
            raise ConfigError(
                f"{_safe_url(base_url)} is not a valid http(s) URL: check --api-url or the "
                "<VENDOR>_API_URL variable"
            )
        for name, value in headers.items():
            if any(ord(c) < 32 or ord(c) > 126 for c in value):
                raise ConfigError(
                    f"the {name} header value (the API key or an extra header) holds a "
                    "newline, control or non-ASCII character an HTTP header cannot carry: "
                    "check the <VENDOR>_API_KEY variable (a stray newline from a file?)"
                )
        self._headers = list(headers.items())
        self._base_url = base_url
        self._parsed_base: httpx.URL | None = None
        # The usual request (a plain path, simple parameters, a plain base) skips httpx's URL
        # parsing, and a run that sends only such requests never imports httpx.
        if plain_base(base_url):
            self._prefix: str | None = base_url
        else:
            base = self._base()
            self._prefix = str(base).rstrip("/") if not base.query else None
        # Certificates are loaded only for https (about 0.1 s per client); plain http (the
        # sandbox) never needs them. Requests go only to paths under the base, unredirected.
        verify = base_url.lower().startswith("https:")
        self._closed = False
        if settings.transport is not None:
            self._transport: Transport = settings.transport
        elif proxied(base_url) or os.environ.get(TRANSPORT_ENV) == "httpx":
            # A proxy from the environment, or the operator's way back to httpx for every
            # request should the lean pool ever misbehave with some server.
            self._transport = HttpxTransport(verify=verify)
        else:
            self._transport = PooledTransport(verify=verify, max_idle=pool_size)

    def close(self) -> None:
        self._closed = True
        self._transport.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
        on_retry: Callable[[ApiError, int], None] | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON body, retrying temporary failures.

        ``idempotent=False`` is for a Create: only a 429 (refused before any work) is sent
        again; any other temporary failure is raised at once and the caller decides (it looks
        the object up instead of creating it twice).
        """
        policy = self.settings.retry
        attempts = policy.attempts
        give_up_429 = time.monotonic() + policy.rate_limited_for
        attempt = 0
        while True:
            try:
                return self._send_once(method, path, operation, json_body, params, headers)
            except ApiError as exc:
                throttled = isinstance(exc, RateLimited)
                if not exc.temporary or not (idempotent or throttled):
                    raise
                # A 429 did nothing and says when to come back: it does not use up an attempt,
                # only time. Every other temporary failure does.
                if not throttled:
                    attempt += 1
                if attempt >= attempts or (throttled and time.monotonic() > give_up_429):
                    exc.args = (f"{exc} (gave up after {attempt + throttled} attempts)",)
                    raise
                if on_retry is not None:
                    on_retry(exc, attempt)
                if throttled:
                    # The limiter already paused everyone for Retry-After; back off lightly too.
                    time.sleep(random.uniform(0, 0.05))
                else:
                    time.sleep(policy.delay(attempt))

    def _send_once(
        self,
        method: str,
        path: str,
        operation: str,
        json_body: Any,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> Any:
        if self._closed:  # a bug of the caller, not a failure of the API (as httpx raised it)
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        sent_at = self.limiter.acquire()
        with self._count_lock:
            self.requests_sent += 1
        try:
            target = self._url(path, params)
            body = _body(method, json_body)
        except (ValueError, TypeError) as exc:  # InvalidURL included
            raise _permanent(
                RequestRejected(
                    f"{operation}: cannot build a valid URL from {_safe_url(path)} "
                    f"({type(exc).__name__}); an id or --api-url holds a character a URL "
                    "cannot carry: check it",
                    operation=operation,
                )
            ) from None
        sent = self._headers
        if json_body is not None:
            sent = [*sent, ("Content-Type", "application/json")]
        if headers:
            given = {name.lower() for name in headers}
            sent = [(n, v) for n, v in sent if n.lower() not in given] + list(headers.items())
        url = _PrintableUrl(target)  # made printable only if an error names it
        deadline = time.monotonic() + self.settings.deadline
        try:
            response = self._transport.send(method, target, sent, body, self._timeouts)
            try:
                content = self._read(response, operation, url, deadline)
            finally:
                response.close()
        except TransportTimeout as exc:
            raise TransportError(
                f"{operation}: no answer within {self.settings.timeout:g}s ({exc.name})",
                operation=operation,
            ) from None
        except TransportFailure as exc:
            raise TransportError(
                f"{operation}: connection failed ({exc.name}: {scrub(str(exc))})",
                operation=operation,
            ) from None
        return self._decode(response, content, operation, url, sent_at)

    def _url(self, path: str, params: Mapping[str, Any] | None) -> str:
        """The absolute URL of ``path`` under the base, with ``params``, as httpx makes it.

        A plain path and plain parameters (the usual request) are joined as they are; anything
        else goes through httpx's own URL merging, so odd characters are encoded (or refused)
        exactly as before.
        """
        if self._prefix is not None and _PLAIN_PATH.fullmatch(path):
            query = _plain_query(params) if params else ""
            if query is not None:
                return self._prefix + path + query
        import httpx

        try:
            url = httpx.URL(path)
            if url.is_relative_url:
                base = self._base()
                url = base.copy_with(raw_path=base.raw_path + url.raw_path.lstrip(b"/"))
            return str(url if params is None else httpx.URL(url, params=params))
        except httpx.InvalidURL as exc:
            raise InvalidURL(str(exc)) from None

    def _base(self) -> httpx.URL:
        """The base as httpx parses it (for the unusual URL), made on first use."""
        if self._parsed_base is None:
            import httpx

            self._parsed_base = httpx.URL(self._base_url + "/")
        return self._parsed_base

    def _read(self, response: Answer, operation: str, url: _PrintableUrl, deadline: float) -> bytes:
        """The decompressed body, read incrementally within the deadline and the size cap.

        Why: httpx's timeout is between bytes, so a body trickled byte by byte never times
        out; and a small gzip body may inflate to gigabytes. Both fail here, not retried (the
        same server will do the same again).
        """
        chunks: list[bytes] = []
        size = 0
        for chunk in response.chunks():
            size += len(chunk)
            if size > self.settings.max_body:
                raise _permanent(
                    MalformedResponse(
                        f"{operation}: {url} answered more than "
                        f"{self.settings.max_body // 2**20} MiB (decompressed); refusing it: "
                        "check --api-url points at the vendor API, or raise "
                        "RECONCILER_MAX_BODY_MB",
                        status=response.status,
                        operation=operation,
                    )
                )
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise _permanent(
                    TransportError(
                        f"{operation}: {url} did not finish its answer within "
                        f"{self.settings.deadline:g}s; the server is too slow or stalling: try "
                        "again later, or raise RECONCILER_HTTP_DEADLINE",
                        status=response.status,
                        operation=operation,
                    )
                )
        return b"".join(chunks)

    def _decode(
        self,
        response: Answer,
        content: bytes,
        operation: str,
        url: _PrintableUrl,
        sent_at: float,
    ) -> Any:
        status = response.status
        text = content.decode(response.encoding or "utf-8", errors="replace")
        body = self._json(content, status, operation, url)
        parsed = self._vendor_error(body) if body is not None else None
        error_code, vendor_message = parsed if parsed else (None, None)
        if status < 400 and body is not None and parsed is None:
            self.limiter.succeeded()
            return body
        detail = truncate(" ".join(vendor_message.split()), BODY_LIMIT) if vendor_message else None
        detail = detail or _snippet(text)
        where = f"{operation}: HTTP {status}"
        if error_code:
            where += f" {error_code}"
        message = scrub(f"{where}: {detail}") if detail else where
        kw: dict[str, Any] = {"status": status, "error_code": error_code, "operation": operation}
        if status == 429:
            retry_after = _retry_after(response.headers.get("retry-after"))
            if retry_after is not None and retry_after > self.settings.max_retry_after:
                wait = "forever" if math.isinf(retry_after) else f"{retry_after:.0f}s"
                raise _permanent(
                    RateLimited(
                        f"{operation}: {url} is rate limited and asks to wait {wait} (Retry-After"
                        f"), more than the {self.settings.max_retry_after:g}s this tool waits: "
                        "try again later, or raise RECONCILER_MAX_RETRY_AFTER",
                        retry_after=retry_after,
                        **kw,
                    )
                )
            self.limiter.pause(retry_after if retry_after is not None else 1.0, sent_at=sent_at)
            raise RateLimited(message, retry_after=retry_after, **kw)
        if status in (401, 403):
            raise AuthError(message, **kw)
        if status == 404:
            raise NotFoundError(message, **kw)
        if status >= 500:
            raise ServerError(message, **kw)
        if status >= 400 or parsed is not None:
            raise RequestRejected(message, **kw)
        raise MalformedResponse(
            f"{operation}: HTTP {status} but the body is not JSON: {_snippet(text)}",
            **kw,
        )

    def _json(self, content: bytes, status: int, operation: str, url: _PrintableUrl) -> Any:
        """Decoded JSON, or None if it is not JSON; too deep a nesting fails clearly."""
        if not content.strip():
            return None
        depth = _depth(content, self.settings.max_depth)
        if depth > self.settings.max_depth:
            raise _permanent(
                MalformedResponse(
                    f"{operation}: {url} answered JSON nested deeper than "
                    f"{self.settings.max_depth} levels; refusing it: check --api-url points at "
                    "the vendor API",
                    status=status,
                    operation=operation,
                )
            )
        try:
            return json.loads(content)
        except (ValueError, RecursionError):
            return None


_PLAIN_PATH = re.compile(r"/[A-Za-z0-9_.~/-]*")
_PLAIN_PARAM = re.compile(r"[A-Za-z0-9_.~-]+")


def _body(method: str, json_body: Any) -> bytes | None:
    """The request body as httpx encoded ``json=``; empty for a POST, PUT or PATCH without."""
    if json_body is not None:
        text = json.dumps(json_body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    return b"" if method in ("POST", "PUT", "PATCH") else None


def _plain_query(params: Mapping[str, Any]) -> str | None:
    """``?k=v&…`` for parameters that need no encoding (names and ints or plain strings)."""
    parts = []
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            return None
        text = str(value)
        if not (_PLAIN_PARAM.fullmatch(name) and _PLAIN_PARAM.fullmatch(text)):
            return None
        parts.append(f"{name}={text}")
    return "?" + "&".join(parts)


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [1 if b in b"[{" else -1 for b in range(256)]  # used for bracket bytes only


def _depth(content: bytes, limit: int) -> int:
    """The JSON nesting depth of ``content``, stopping once past ``limit`` (strings skipped).

    Why this way: the strings are cut out and every byte but the brackets dropped by C code,
    and the running depth is summed by ``accumulate``; scanning token by token in Python cost
    some 100 µs on each catalog-laden answer (their 300 brackets defeat the count below).
    """
    if content.count(b"[") + content.count(b"{") <= limit:
        return 0  # cannot be deeper than its brackets: the usual case costs two counts
    if b"\\" not in content and content.count(b'"') % 2 == 0:
        # No escapes: the strings are exactly every other piece between quotes.
        outside = b"".join(content.split(b'"')[::2])
    else:
        outside = _STRINGS.sub(b"", content)
    brackets = outside.translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return 0
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)))


def _permanent(exc: ApiError) -> ApiError:
    """``exc`` marked not worth retrying: the same server would fail the same way again."""
    exc.temporary = False
    return exc


def _valid_base(url: str) -> bool:
    """Whether ``url`` can be a base URL: http(s), a host, no control characters."""
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return False
    if plain_base(url):
        return True
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.host)


_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_PLAIN_BASE = re.compile(
    rf"(https?)://(?:{_LABEL}(?:\.{_LABEL})*)(?::([1-9][0-9]{{0,4}}|0))?(?:/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)*"
)
_IPV4 = re.compile(r"https?://([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)(?:[:/]|$)")


def plain_base(url: str) -> bool:
    """Whether httpx would write base ``url`` back exactly as it is (lower-case scheme and
    host, no default or zero-padded port, plain path segments, no query): such a base needs no
    URL parsing at all. tests/test_transport.py holds this to httpx's own answer."""
    match = _PLAIN_BASE.fullmatch(url)
    if match is None:
        return False
    port = match.group(2)
    if port is not None and (
        int(port) > 65535 or int(port) == (443 if match.group(1) == "https" else 80)
    ):
        return False
    quad = _IPV4.match(url)
    return quad is None or all(
        int(octet) <= 255 and (len(octet) == 1 or octet[0] != "0") for octet in quad.groups()
    )


class InvalidURL(ValueError):
    """httpx could not make a URL of a path: raised under httpx's name, for the message."""


class _PrintableUrl:
    """A request's URL as ``_safe_url`` prints it, worked out on first use.

    Why lazy: only an error message prints it, and making it printable (scrubbing every
    registered secret) on each of 10,000 successful requests cost some 20 µs apiece.
    """

    def __init__(self, url: str):
        self._url = url
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = _safe_url(self._url)
        return self._text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _safe_url(url: str) -> str:
    """``url`` fit to print: no user:password, query values dropped (they may be secrets)."""
    url = "".join(c if 32 < ord(c) != 127 else "?" for c in url)
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^/@?#]*@)?([^?#]*)(\?[^#]*)?", url)
    if match is None:
        return "(unprintable URL)"
    scheme, rest, query = match.group(1) or "", match.group(2), match.group(3) or ""
    if query:
        names = [part.split("=", 1)[0] for part in query[1:].split("&") if part]
        query = "?" + "&".join(f"{name}=…" for name in names)
    return scrub(f"{scheme}{rest}{query}")


def _snippet(text: str) -> str:
    """A short, single-line, secret-free excerpt of a response body."""
    flat = " ".join(text.split())
    if len(flat) <= BODY_LIMIT:
        return scrub(flat)
    return truncate(flat, BODY_LIMIT) + f"… ({len(text)} bytes)"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: seconds, decimal seconds or an HTTP-date.

    None when absent or unreadable (the caller waits a default second); ``inf`` for an
    infinite or absurd request, which the caller refuses rather than waits for.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


class PageGuard:
    """Stops a listing that never ends: a page cap, and ids seen twice across pages.

    Why: a server that ignores ``page`` answers the first page forever, and paging "until a
    short page" would loop until memory runs out. Any id returned again means the listing is
    not moving forward (or changed under us); either way a clear error beats a wrong result.
    """

    def __init__(self, operation: str, path: str, *, max_pages: int = MAX_PAGES):
        self.operation = operation
        self.path = path
        self.max_pages = max_pages
        self._seen: set[object] = set()

    def check(self, page: int, items: list[dict[str, Any]], id_key: str = "id") -> None:
        """Raise MalformedResponse if ``page`` is past the cap or repeats an earlier id."""
        self.check_ids(page, [item.get(id_key) for item in items])

    def check_ids(self, page: int, ids: list[object]) -> None:
        """The same checks for a page already reduced to its ids."""
        if page > self.max_pages:
            raise _permanent(
                MalformedResponse(
                    f"{self.operation}: {self.path} still has more after {self.max_pages} "
                    "pages; the server does not stop paging: check --api-url points at the "
                    "vendor API",
                    operation=self.operation,
                )
            )
        repeated = sum(1 for i in ids if i in self._seen)
        if repeated:
            raise _permanent(
                MalformedResponse(
                    f"{self.operation}: {self.path} page {page} repeats {repeated} id(s) "
                    "already listed on an earlier page; the server ignores `page` or the list "
                    "changed while being read: run again, and if it persists report it to "
                    "the vendor",
                    operation=self.operation,
                )
            )
        self._seen.update(ids)
