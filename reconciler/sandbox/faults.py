"""Injected faults: latency, a rate limit, 5xx answers, dropped connections, altered writes.

Why: the tool's retries, rate limiting and read-back verification can only be tested against a
server that misbehaves on purpose, reproducibly. Each kind of decision draws from its own
seeded random stream, so changing one rate does not shift another's decisions.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

ALTERED_SUFFIX = " (altered)"


class Alterable(Protocol):
    """The part of a record about to be stored that the alter fault may change."""

    name: str
    description: str
    enabled: bool
    options: list[dict[str, Any]]


# FaultConfig field -> environment variable (the CLI flags read the same variables).
ENV: dict[str, str] = {
    "latency_ms": "RECONCILER_SANDBOX_LATENCY_MS",
    "jitter_ms": "RECONCILER_SANDBOX_JITTER_MS",
    "rate_limit": "RECONCILER_SANDBOX_RATE_LIMIT",
    "rate_limit_burst": "RECONCILER_SANDBOX_RATE_LIMIT_BURST",
    "error_rate": "RECONCILER_SANDBOX_ERROR_RATE",
    "drop_rate": "RECONCILER_SANDBOX_DROP_RATE",
    "alter_rate": "RECONCILER_SANDBOX_ALTER_RATE",
    "seed": "RECONCILER_SANDBOX_FAULT_SEED",
}


@dataclass(frozen=True)
class FaultConfig:
    """What to inject into API (``/v2/``) requests; the defaults inject nothing."""

    latency_ms: float = 0.0  # added to every API request
    jitter_ms: float = 0.0  # plus uniform 0..jitter_ms
    rate_limit: float = 0.0  # requests/second across all API requests; 0 = unlimited
    rate_limit_burst: float = 0.0  # bucket size; 0 = max(1, rate_limit), one second's worth
    error_rate: float = 0.0  # fraction answered 500/503 without doing the work
    drop_rate: float = 0.0  # fraction of committed Creates/Edits whose connection is dropped
    alter_rate: float = 0.0  # fraction of successful Edits stored differently from what was sent
    seed: int | None = None  # makes every random decision reproducible
    # Vendors with an Idempotency-Key only: fraction of POSTs whose key is ignored (as if
    # absent), to test an API that does not honour it (a lost create then meets 409 on retry)
    ignore_idempotency_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("latency_ms", "jitter_ms", "rate_limit", "rate_limit_burst"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        for name in ("error_rate", "drop_rate", "alter_rate", "ignore_idempotency_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be within 0..1")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultConfig:
        """Missing keys take their defaults; unknown keys or wrong types raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError("the fault configuration must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name == "seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError("seed must be an integer or null")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number")
            else:
                value = float(value)
            values[name] = value
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FaultConfig:
        """The configuration the ``RECONCILER_SANDBOX_*`` variables describe."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, var in ENV.items():
            raw = environ.get(var, "").strip()
            if raw:
                try:
                    values[name] = int(raw) if name == "seed" else float(raw)
                except ValueError:
                    raise ValueError(f"{var}={raw!r} is not a number") from None
        return cls(**values)


def format_retry_after(seconds: float) -> str:
    """Seconds for ``Retry-After``, rounded up to the millisecond: ``"0.05"``, ``"1"``."""
    return f"{max(math.ceil(seconds * 1000), 1) / 1000:g}"


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; one token per request."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._last = clock()

    def take(self) -> float:
        """0.0 if a token was taken, else the seconds until one will be available."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self.rate


class FaultInjector:
    """The running decisions of one sandbox; reconfigured in place by the admin endpoint."""

    def __init__(self, config: FaultConfig | None = None):
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        """Apply ``config``, restarting the random streams and the bucket (full, as at start)."""
        self.config = config
        self._rngs: dict[str, random.Random] = {}
        self._bucket = None
        if config.rate_limit > 0:
            burst = config.rate_limit_burst or max(1.0, config.rate_limit)
            self._bucket = TokenBucket(config.rate_limit, burst)

    def _rng(self, kind: str) -> random.Random:
        if kind not in self._rngs:
            seed = self.config.seed
            self._rngs[kind] = (
                random.Random(f"{seed}:{kind}") if seed is not None else random.Random()
            )
        return self._rngs[kind]

    def _roll(self, kind: str, rate: float) -> bool:
        if rate <= 0:
            return False
        return rate >= 1 or self._rng(kind).random() < rate

    def retry_after(self) -> float:
        """0.0 if the request is within the rate limit, else seconds to wait."""
        return self._bucket.take() if self._bucket else 0.0

    def delay(self) -> float:
        """Seconds of injected latency for this request."""
        c = self.config
        jitter = self._rng("jitter").uniform(0, c.jitter_ms) if c.jitter_ms else 0.0
        return (c.latency_ms + jitter) / 1000

    def server_error(self) -> int | None:
        """503 or 500 if this request is to fail, else None."""
        if not self._roll("error", self.config.error_rate):
            return None
        return self._rng("error_status").choice((500, 503))

    def ignore_idempotency(self) -> bool:
        """Whether this POST is handled as if it carried no Idempotency-Key."""
        return self._roll("idempotency", self.config.ignore_idempotency_rate)

    def drop(self) -> bool:
        """Whether to drop the connection after this committed write."""
        return self._roll("drop", self.config.drop_rate)

    def alter(
        self, rec: Alterable, body: Mapping[str, Any], name_free: Callable[[str], bool]
    ) -> bool:
        """Maybe change ``rec`` (about to be stored for an Edit) so it differs from ``body``.

        The first that applies: a sent name or description gets ``" (altered)"`` appended (the
        name only if that name is free), a sent ``enabled`` is stored inverted, a sent option
        set is stored without its last option. A credentials-only Edit cannot be altered
        visibly and is stored as sent. True if ``rec`` was changed.
        """
        if not self._roll("alter", self.config.alter_rate):
            return False
        if "name" in body and name_free(body["name"] + ALTERED_SUFFIX):
            rec.name = body["name"] + ALTERED_SUFFIX
        elif "description" in body:
            rec.description = body["description"] + ALTERED_SUFFIX
        elif "enabled" in body:
            rec.enabled = not body["enabled"]
        elif body.get("third_party_options"):
            rec.options = rec.options[:-1]
        else:
            return False
        return True
