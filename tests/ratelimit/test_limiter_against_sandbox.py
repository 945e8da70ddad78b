"""The shared limiter against the sandbox's token bucket: it finds the rate, not the burst,
and a Retry-After holds every caller back at least that long. Wide margins, no figures."""

from __future__ import annotations

import threading
import time

from helpers import create_live

from reconciler.http import ApiSettings, RetryPolicy
from reconciler.live import read_all
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.ratelimit import RateLimiter
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog

RATE = 40.0
BURST = 2.0


def test_after_a_429_burst_the_pace_follows_the_rate_not_the_burst(sandbox):
    for i in range(150):
        create_live(sandbox, f"Paced {i}", catalog.EASYPOST)
    sandbox.set_faults(FaultConfig(rate_limit=RATE, rate_limit_burst=BURST))
    limiter = RateLimiter()
    revcent = RevCentProvider(
        ApiSettings(sandbox.url, sandbox.api_key, retry=RetryPolicy(attempts=3)), limiter=limiter
    )
    try:
        read = read_all([revcent], parallelism=16)
    finally:
        revcent.close()
    assert len(read) == 150
    assert limiter.throttled > 0  # 16 requests at once met a bucket of 2
    assert limiter.pace is not None
    # Locked onto the burst it would be near 2/s; it stays within a factor of two of 40/s.
    assert RATE / 2 <= limiter.pace <= RATE * 2
    # And it is not found by hammering: most requests went through at the first try.
    sent = revcent.client.api.requests_sent
    assert limiter.throttled < sent / 4, (limiter.throttled, sent)


def test_retry_after_holds_every_caller_back_at_least_that_long():
    limiter = RateLimiter(1000.0)
    paused_at = time.monotonic()
    limiter.pause(0.3)
    starts: list[float] = []

    def send() -> None:
        starts.append(limiter.acquire())

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(starts) == 4
    assert min(starts) >= paused_at + 0.3


def test_a_429_from_the_sandbox_sets_a_floor_for_the_next_request(sandbox):
    create_live(sandbox, "Floor", catalog.EASYPOST)
    sandbox.set_faults(FaultConfig(rate_limit=2.0, rate_limit_burst=1.0))
    limiter = RateLimiter()
    revcent = RevCentProvider(ApiSettings(sandbox.url, sandbox.api_key), limiter=limiter)
    try:
        [ref] = list(revcent.list_live())  # takes the one token
        before = time.monotonic()
        live = revcent.get_live(ref.id)  # 429, Retry-After about half a second, then 200
        after = time.monotonic()
    finally:
        revcent.close()
    assert live.name == "Floor"
    assert limiter.throttled >= 1
    assert after - before >= 0.2  # it waited for the token instead of retrying at once
