"""One HTTP client for every vendor: timeouts, User-Agent, retries, rate limit, error mapping.

Why here and not per provider: retries, the shared rate limiter and the mapping of statuses to
the one exception tree must behave the same for every vendor and every command. Providers only
say how to authenticate and how to recognise a vendor error body.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from reconciler import __version__
from reconciler.errors import (
    ApiError,
    AuthError,
    MalformedResponse,
    NotFoundError,
    RateLimited,
    RequestRejected,
    ServerError,
    TransportError,
)
from reconciler.ratelimit import RateLimiter
from reconciler.redaction import scrub

USER_AGENT = f"reconciler/{__version__} (+https://github.com/reconciler/reconciler)"
BODY_LIMIT = 300


@dataclass
class RetryPolicy:
    """How often and how long to retry temporary failures (jittered exponential backoff)."""

    attempts: int = 6
    base_delay: float = 0.2
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
        transport: httpx.BaseTransport | None = None,
        pool_size: int = 64,
    ):
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.max_rps)
        self._vendor_error = vendor_error or (lambda body: None)
        self.requests_sent = 0
        self._count_lock = threading.Lock()
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            settings.auth_header: settings.api_key,
            **settings.extra_headers,
        }
        base_url = settings.base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            limits=httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size),
            transport=transport,
            # Loading the certificate bundle takes ~0.1 s per client; a plain-http base URL (the
            # sandbox) never uses it: requests go only to paths under it, redirects unfollowed.
            verify=base_url.lower().startswith("https:"),
        )

    def close(self) -> None:
        self._http.close()

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
        sent_at = self.limiter.acquire()
        with self._count_lock:
            self.requests_sent += 1
        try:
            response = self._http.request(
                method, path, json=json_body, params=params, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise TransportError(
                f"{operation}: no answer within {self.settings.timeout:g}s ({type(exc).__name__})",
                operation=operation,
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(
                f"{operation}: connection failed ({type(exc).__name__}: {scrub(str(exc))})",
                operation=operation,
            ) from None
        return self._decode(response, operation, sent_at)

    def _decode(self, response: httpx.Response, operation: str, sent_at: float) -> Any:
        status = response.status_code
        try:
            body: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        parsed = self._vendor_error(body) if body is not None else None
        error_code, vendor_message = parsed if parsed else (None, None)
        if status < 400 and body is not None and parsed is None:
            self.limiter.succeeded()
            return body
        detail = vendor_message or _snippet(response.text)
        where = f"{operation}: HTTP {status}"
        if error_code:
            where += f" {error_code}"
        message = scrub(f"{where}: {detail}") if detail else where
        kw: dict[str, Any] = {"status": status, "error_code": error_code, "operation": operation}
        if status == 429:
            retry_after = _retry_after(response.headers.get("Retry-After"))
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
            f"{operation}: HTTP {status} but the body is not JSON: {_snippet(response.text)}",
            **kw,
        )


def _snippet(text: str) -> str:
    """A short, single-line, secret-free excerpt of a response body."""
    flat = " ".join(text.split())
    if len(flat) > BODY_LIMIT:
        flat = flat[:BODY_LIMIT] + f"… ({len(text)} bytes)"
    return scrub(flat)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (decimal seconds accepted); None if absent or a date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
