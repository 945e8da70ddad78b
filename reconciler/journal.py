"""An append-only JSON-lines journal of every request apply sends and what came of it.

Why flush per line: when an apply is killed, the journal must still say exactly what was sent
up to that moment. Bodies are redacted and scrubbed: no secret is ever written.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from reconciler.plan import redact
from reconciler.redaction import scrub

DEFAULT_DIR = os.path.join(".reconciler", "journal")


class Journal:
    """Thread-safe writer of one run's journal file."""

    def __init__(self, path: str | None):
        self.path = path
        self._lock = threading.Lock()
        self._handle = None
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 (closed in close())

    @staticmethod
    def default_path() -> str:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        return os.path.join(DEFAULT_DIR, f"apply-{stamp}-{os.getpid()}.jsonl")

    def write(self, event: str, **fields: Any) -> None:
        if self._handle is None:
            return
        record = {"ts": round(time.time(), 3), "event": event, **redact(fields)}
        line = scrub(json.dumps(record, ensure_ascii=False, default=str))
        with self._lock:
            self._handle.write(line + "\n")
            self._handle.flush()

    def write_now(self, event: str, **fields: Any) -> bool:
        """Write a record from a signal handler: never wait long for the lock (a thread may
        hold it); returns whether it was written."""
        if self._handle is None:
            return False
        record = {"ts": round(time.time(), 3), "event": event, **redact(fields)}
        line = scrub(json.dumps(record, ensure_ascii=False, default=str))
        if not self._lock.acquire(timeout=0.5):
            return False
        try:
            self._handle.write(line + "\n")
            self._handle.flush()
        finally:
            self._lock.release()
        return True

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
