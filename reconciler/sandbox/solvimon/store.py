"""SQLite persistence of Solvimon integrations and of the Idempotency-Keys POSTs were sent with.

Why in the sandbox's shared database file: one ``--sandbox`` serves every vendor, and
``sandbox reset`` must empty them all at once. Integrations are stored as the JSON object the API
would show, each secret replaced by its salted fingerprint (fingerprint.py: views mask them
anyway, and the file must not hold them); ``reference`` is unique.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from reconciler.sandbox.solvimon.rules import SECRET_PATHS
from reconciler.sandbox.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS solvimon_integrations (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order, for listing
    id            TEXT NOT NULL UNIQUE,
    reference     TEXT NOT NULL UNIQUE,
    body          TEXT NOT NULL,                      -- JSON object, secrets fingerprinted
    created_unix  INTEGER NOT NULL,
    updated_unix  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS solvimon_idempotency (
    key           TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,                      -- sha256 of method, path and body
    status        INTEGER NOT NULL,
    answer        TEXT NOT NULL,                      -- the JSON body first answered
    replays       INTEGER NOT NULL DEFAULT 0,         -- answers given again from this row
    created_unix  INTEGER NOT NULL
);
"""

KEY_LIFETIME = 24 * 3600  # seconds an Idempotency-Key is remembered [assumed]
ORDERS = {"created_at": "seq", "reference": "reference", "name": "json_extract(body, '$.name')"}


class ReferenceTaken(Exception):
    """Another integration already has this reference."""


@dataclass(frozen=True)
class Remembered:
    """The first answer given to a POST sent with an Idempotency-Key."""

    fingerprint: str
    status: int
    answer: dict[str, Any]


class SolvimonStore:
    """Solvimon tables of a sandbox database; used from the event-loop thread only."""

    def __init__(self, store: Store):
        self.store = store
        self._db: sqlite3.Connection = store.connection
        self._db.executescript(_SCHEMA)

    # -- integrations ---------------------------------------------------------------------
    def get(self, integration_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT body FROM solvimon_integrations WHERE id = ?", (integration_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def reference_owner(self, reference: str) -> str | None:
        row = self._db.execute(
            "SELECT id FROM solvimon_integrations WHERE reference = ?", (reference,)
        ).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM solvimon_integrations").fetchone()[0])

    def page(
        self, limit: int, offset: int, order_by: str, descending: bool
    ) -> list[dict[str, Any]]:
        """One page in ``order_by`` order (ties by creation order)."""
        direction = "DESC" if descending else "ASC"
        rows = self._db.execute(
            f"SELECT body FROM solvimon_integrations ORDER BY {ORDERS[order_by]} {direction}, "
            f"seq {direction} LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def insert(self, body: dict[str, Any]) -> None:
        now = int(time.time())
        try:
            self._db.execute(
                "INSERT INTO solvimon_integrations (id, reference, body, created_unix, "
                "updated_unix) VALUES (?, ?, ?, ?, ?)",
                (body["id"], body["reference"], self._sealed(body), now, now),
            )
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc) from None

    def update(self, body: dict[str, Any]) -> None:
        try:
            self._db.execute(
                "UPDATE solvimon_integrations SET reference = ?, body = ?, updated_unix = ? "
                "WHERE id = ?",
                (body["reference"], self._sealed(body), int(time.time()), body["id"]),
            )
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc) from None

    def _sealed(self, body: dict[str, Any]) -> str:
        return json.dumps(self.store.fingerprint.seal(body, SECRET_PATHS))

    def delete(self, integration_id: str) -> None:
        self._db.execute("DELETE FROM solvimon_integrations WHERE id = ?", (integration_id,))

    # -- idempotency keys -----------------------------------------------------------------
    def recall(self, key: str) -> Remembered | None:
        """The answer remembered for ``key`` (counting this replay), if any and not expired."""
        row = self._db.execute(
            "SELECT fingerprint, status, answer, created_unix FROM solvimon_idempotency "
            "WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None or row[3] < time.time() - KEY_LIFETIME:
            return None
        return Remembered(row[0], row[1], json.loads(row[2]))

    def count_replay(self, key: str) -> None:
        self._db.execute(
            "UPDATE solvimon_idempotency SET replays = replays + 1 WHERE key = ?", (key,)
        )

    def remember(self, key: str, fingerprint: str, status: int, answer: dict[str, Any]) -> None:
        now = int(time.time())
        self._db.execute(
            "DELETE FROM solvimon_idempotency WHERE created_unix < ?", (now - KEY_LIFETIME,)
        )
        self._db.execute(
            "INSERT OR REPLACE INTO solvimon_idempotency (key, fingerprint, status, answer, "
            "replays, created_unix) VALUES (?, ?, ?, ?, 0, ?)",
            (key, fingerprint, status, json.dumps(answer), now),
        )

    def replays(self, key: str) -> int | None:
        """How often the answer for ``key`` was given again (tests); None if unknown."""
        row = self._db.execute(
            "SELECT replays FROM solvimon_idempotency WHERE key = ?", (key,)
        ).fetchone()
        return int(row[0]) if row else None


def _integrity(exc: sqlite3.IntegrityError) -> Exception:
    return ReferenceTaken(str(exc)) if "reference" in str(exc) else exc
