"""The rate limiter every request to one API host shares: find the server's rate and stay at it.

Why estimate instead of halving: a vendor's token bucket lets a burst through and then a steady
rate; a limiter that slows to the rate it saw at the first 429 locks onto the burst size. Here
a 429 (sent after the last slowdown) sets the pace to 95% of the rate the server accepted
lately (the larger of the last second and its last half, so a pace still climbing does not
read low); when the server took about all that was sent, the 429 is two requests arriving
close together and the pace only eases by 3%. Requests are spaced evenly (1/pace apart),
Retry-After holds everyone back as a floor, list pages (``urgent()``) take the next free moment
before Gets, and after a quiet while the pace grows: fast (doubling in about a third of a
second) until two 429s met at a steady pace have measured the rate, then by 10% a second, so a
raised limit is found again. While still climbing fast, a 429 lowers the pace by 15% at most:
the window lags a climbing pace, and the rate lies just below the pace that met the 429.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_local = threading.local()


@contextmanager
def urgent() -> Iterator[None]:
    """Requests sent inside go before the others waiting on any limiter (list pages)."""
    before = getattr(_local, "urgent", False)
    _local.urgent = True
    try:
        yield
    finally:
        _local.urgent = before


class RateLimiter:
    """A pacing limiter shared by all threads; it converges on the server's rate after 429s.

    ``rate`` is the user's ceiling (``--max-rps``; None: none). Until the first 429 requests
    go out at that ceiling (or unpaced).
    """

    WINDOW = 1.0  # seconds of accepted requests that measure what the server lets through
    MIN_SPAN = 0.25  # never divide by less: a tiny span would read a burst as a huge rate
    MARGIN = 0.95  # pace at this share of the measured server rate
    FALLBACK = 10.0  # least pace after a first 429 with nothing measured (see _first_pace)
    DECREASE = 0.8  # slowdown when a 429 comes with nothing measured
    FLOOR = 0.5  # never slower than this: a burst of 429s must not stall everyone for hours
    MAX_DROP = 0.5  # one fresh 429 at most halves the pace
    QUIET = 0.3  # seconds without a fresh 429 before probing upward
    STEP = 0.1  # probing once the rate is known: growth per second, as a share of the pace
    FAST_STEP = 2.0  # probing before: the first estimate (from a burst) is usually far too low
    HELD = 0.9  # accepted at least this share of the pace: the pace is not above the rate
    NUDGE = 0.97  # then one fresh 429 eases the pace by this factor only
    STEADY = 0.7  # a 429 measures the rate only if at least this share of the pace got through
    RAMP_DROP = 0.85  # a 429 met while climbing fast lowers the pace at most to this share
    KNOWN = 2  # fresh 429s met while paced after which the rate counts as known

    def __init__(self, rate: float | None = None, *, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self._pace: float | None = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._urgent_waiting = 0  # urgent() callers waiting in acquire
        self._next_free = 0.0  # earliest moment the next request may start
        self._paused_until = 0.0
        self._accepted: deque[float] = deque(maxlen=10_000)
        self._lowered_at = float("-inf")  # the last slowdown
        self._grown_at = float("-inf")  # the last upward probe step
        self.throttled = 0  # 429 answers seen
        self._paced_429s = 0  # fresh 429s met while pacing: each one a measure of the rate

    @property
    def pace(self) -> float | None:
        """Requests per second now allowed (None: unlimited)."""
        return self._pace

    def acquire(self) -> float:
        """Block until this caller may send one request; returns when it may be sent.

        Callers inside ``urgent()`` (list pages) take the next free moment before others
        (Gets): a listing that waited behind every queued Get would starve the Gets to come.
        """
        urgent = getattr(_local, "urgent", False)
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
            try:
                while True:
                    now = self._clock()
                    self._grow(now)
                    start = max(now, self._paused_until)
                    if self._pace:
                        start = max(start, self._next_free)
                    if start <= now and (urgent or not self._urgent_waiting):
                        if self._pace:
                            interval = 1.0 / self._pace
                            # A late wake-up may use the moment it missed, never more.
                            self._next_free = max(start, now - interval) + interval
                        return now
                    self._cond.wait(max(start - now, 0.001) if start > now else 0.005)
            finally:
                if urgent:
                    self._urgent_waiting -= 1
                    self._cond.notify_all()

    def pause(self, seconds: float, *, sent_at: float | None = None) -> None:
        """A 429: hold every caller back for ``seconds`` (Retry-After) and re-measure the pace.

        A 429 for a request sent before the last slowdown says nothing new (it left under the
        old pace): only the Retry-After floor counts then.
        """
        with self._lock:
            self.throttled += 1
            now = self._clock()
            already_paused = now < self._paused_until
            self._paused_until = max(self._paused_until, now + seconds)
            self._next_free = max(self._next_free, self._paused_until)
            stale = sent_at is not None and sent_at < self._lowered_at
            if stale or (sent_at is None and already_paused):
                return
            ramping = self._lowered_at > float("-inf") and self._paced_429s < self.KNOWN
            self._lowered_at = now
            self._grown_at = now
            measured = self._accepted_rate(now)
            if self._pace and measured is not None and measured >= self.STEADY * self._pace:
                # Sent at about the pace for a while: the measure is the rate, not a ramp's lag.
                self._paced_429s += 1
            if measured is not None and self._pace and measured >= self.HELD * self._pace:
                # The server took about all we sent: the 429 is two requests arriving close
                # together (a small burst), not a pace above its rate. Ease off a little only.
                pace = self._pace * self.NUDGE
            elif measured is not None:
                pace = max(self.FLOOR, measured * self.MARGIN)
                if self._pace is not None:  # a slow stretch (few requests) is no measure
                    # Climbing fast, the window lags the pace: the rate lies just below the
                    # pace that met the 429, so fall back less far than the lagging measure.
                    drop = self.RAMP_DROP if ramping else self.MAX_DROP
                    pace = max(pace, self._pace * drop)
            elif self._pace is not None:
                pace = max(self.FLOOR, self._pace * self.DECREASE)
            else:
                pace = self._first_pace(seconds)
            self._pace = min(pace, self.rate) if self.rate else pace

    def _first_pace(self, retry_after: float) -> float:
        """The pace after a first 429 with nothing measured yet.

        A Retry-After of ``r`` seconds says one more request fits in ``r``: a token bucket
        says exactly its rate once empty (a burst of 1 at 60/s answers about 0.017). So the
        first pace is one request per ``r`` (at the margin), never below FALLBACK: a limit
        given in whole seconds or more keeps FALLBACK's start and climbs from there, as before.
        Why: starting at FALLBACK, a burst-1 account took a second of climbing at a sixth of
        its rate, a fifth of a 300-integration plan.
        """
        if retry_after <= 0:
            return self.FALLBACK
        return max(self.FALLBACK, self.MARGIN / retry_after)

    def succeeded(self) -> None:
        """One answer that was not a 429: the server accepted it; count it for the estimate."""
        with self._lock:
            now = self._clock()
            self._accepted.append(now)
            self._grow(now)

    def _grow(self, now: float) -> None:
        """After QUIET seconds without a fresh 429, raise the pace additively (caller locks)."""
        if self._pace is None or self._pace == self.rate or now - self._lowered_at < self.QUIET:
            return
        since = now - max(self._grown_at, self._lowered_at + self.QUIET)
        if since <= 0:
            return
        self._grown_at = now
        step = self.STEP if self._paced_429s >= self.KNOWN else self.FAST_STEP
        raised = self._pace + max(0.5, step * self._pace) * since
        self._pace = min(raised, self.rate) if self.rate else raised

    def _accepted_rate(self, now: float) -> float | None:
        """Accepted requests a second, if there were enough to judge by (caller locks).

        The larger of the last WINDOW and its last half: while the pace was still climbing
        the whole window reads low, while the last half, once past the server's rate, is what
        its bucket refills.
        """
        while self._accepted and now - self._accepted[0] > self.WINDOW:
            self._accepted.popleft()
        count = len(self._accepted)
        if count < 2:
            return None
        span = max(self.MIN_SPAN, now - self._accepted[0])
        rate = count / span
        half = self.WINDOW / 2
        if span > half:
            recent = sum(1 for t in self._accepted if now - t <= half)
            if recent >= 2:
                rate = max(rate, recent / max(self.MIN_SPAN, half))
        return rate
