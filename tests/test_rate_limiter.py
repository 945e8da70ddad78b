"""The shared rate limiter: paces, pauses on Retry-After, slows down once per 429 burst."""

from __future__ import annotations

from reconciler.http import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_429s_lowers_the_pace_once_and_never_below_the_floor():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    assert limiter.pace is None
    for _ in range(50):  # fifty answers to requests that were all in flight together
        limiter.pause(0.5)
    assert limiter.throttled == 50
    assert limiter.pace == RateLimiter.FALLBACK  # 1 request per 0.5 s is below it
    for _ in range(100):  # later bursts, each after its pause ended
        clock.now += 1
        limiter.pause(0.5)
    assert limiter.pace == RateLimiter.FLOOR


def test_the_pace_follows_recent_successes_and_recovers_up_to_the_ceiling():
    # Updated with the move to reconciler/ratelimit.py: one fresh 429 at most halves the pace,
    # the next one sets it to 90% of the accepted rate; recovery is by time, not by count.
    clock = Clock()
    limiter = RateLimiter(100.0, clock=clock)
    for _ in range(41):  # 40 successes a second
        limiter.succeeded()
        clock.now += 0.025
    limiter.pause(0.01)
    assert limiter.pace == 50.0  # halved at most
    clock.now += 0.1
    limiter.pause(0.01)
    for _ in range(200):  # 20 s without a 429
        clock.now += 0.1
        limiter.succeeded()
    assert limiter.pace == 100.0


def test_429s_for_requests_sent_before_the_slowdown_do_not_slow_down_again():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    sent = limiter.acquire()
    clock.now += 0.1
    limiter.pause(0.01, sent_at=sent)
    first = limiter.pace
    for _ in range(15):  # the rest of that round, answered later
        clock.now += 0.02
        limiter.pause(0.01, sent_at=sent)
    assert limiter.pace == first == RateLimiter.MARGIN / 0.01  # one per Retry-After
    clock.now += 1
    limiter.pause(0.01, sent_at=clock.now - 0.05)  # sent after the slowdown: slow down again
    assert limiter.pace == first * 0.8


def test_the_first_pace_is_one_request_per_retry_after_and_never_below_the_fallback():
    """A bucket's Retry-After once empty is its rate's interval: start there, not at 10/s."""
    for retry_after, expected in [
        (1 / 60, RateLimiter.MARGIN * 60),  # a burst-1 bucket at 60/s
        (1.0, RateLimiter.FALLBACK),  # whole seconds: the fallback start, as before
        (30.0, RateLimiter.FALLBACK),
        (0.0, RateLimiter.FALLBACK),
    ]:
        limiter = RateLimiter(clock=Clock())
        limiter.pause(retry_after)
        assert limiter.pace == expected, retry_after
    # With --max-rps the pace was set from the start: a 429 slows it as before.
    capped = RateLimiter(20.0, clock=Clock())
    capped.pause(0.001)
    assert capped.pace == 20.0 * RateLimiter.DECREASE
