"""Counters of API requests, so tests and benchmarks can see what the tool really sent."""

from __future__ import annotations

from collections import Counter
from typing import Any

EVENTS = ("rate_limited", "injected_errors", "dropped", "altered", "idempotent_replays")


class Stats:
    """Requests by ``"METHOD /route/{template}"`` and by status, plus fault events.

    Admin (``/_sandbox/``) requests are not counted: reading the stats must not change them.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.by_route: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.events: Counter[str] = Counter()

    def request(self, method: str, route: str, status: int | None) -> None:
        """Count one request; ``status`` None means the connection was dropped unanswered."""
        self.by_route[f"{method} {route}"] += 1
        if status is None:
            self.events["dropped"] += 1
        else:
            self.by_status[str(status)] += 1

    def event(self, name: str) -> None:
        assert name in EVENTS, name
        self.events[name] += 1

    def snapshot(self) -> dict[str, Any]:
        return {
            "total": sum(self.by_route.values()),
            "by_route": dict(sorted(self.by_route.items())),
            "by_status": dict(sorted(self.by_status.items())),
            **{name: self.events[name] for name in EVENTS},
        }
