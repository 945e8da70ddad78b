"""SQLite persistence of RevCent user integrations: one row each, looked up by indexed id and name.

The table lives in the sandbox's shared database (``reconciler.sandbox.store``). It knows
nothing of the vendor's rules (see rules.py / service.py): it saves what it is given.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler.sandbox.fingerprint import Fingerprinter, Fingerprints, is_fingerprint
from reconciler.sandbox.store import MIGRATED_KEY, Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS integrations (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order, for listing
    id                TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL UNIQUE,
    description       TEXT NOT NULL,
    enabled           INTEGER NOT NULL,
    site_id           TEXT NOT NULL,
    credential_id     TEXT,                 -- NULL while no credentials are saved
    credential_values TEXT NOT NULL,        -- JSON {field id: salted fingerprint}, no secrets
    options           TEXT NOT NULL,        -- JSON, the saved option set as sent
    created_unix      INTEGER NOT NULL,
    updated_unix      INTEGER NOT NULL
);
"""

_COLUMNS = (
    "id, name, description, enabled, site_id, credential_id, credential_values, options, "
    "created_unix"
)


# One stored row, columns as in _COLUMNS: what a record's answer is a pure function of.
Row = tuple[Any, ...]


class NameTaken(Exception):
    """The name is already used by another integration (names are unique per account)."""


@dataclass
class Integration:
    """One user third-party integration as stored."""

    id: str
    name: str
    description: str
    enabled: bool
    site_id: str
    credential_id: str | None = None
    # Plain values only between a request's checks and its write; a stored record holds
    # Fingerprints. repr=False: a record printed in a traceback must not show either.
    credential_values: dict[str, str] = field(default_factory=dict, repr=False)
    options: list[dict[str, Any]] = field(default_factory=list)
    created_unix: int = 0


def _row_to_integration(row: tuple[Any, ...], fingerprint: Fingerprinter) -> Integration:
    return Integration(
        id=row[0],
        name=row[1],
        description=row[2],
        enabled=bool(row[3]),
        site_id=row[4],
        credential_id=row[5],
        credential_values=Fingerprints(fingerprint, json.loads(row[6])),
        options=json.loads(row[7]),
        created_unix=row[8],
    )


def _params(rec: Integration, now: int, fingerprint: Fingerprinter) -> tuple[Any, ...]:
    return (
        rec.id,
        rec.name,
        rec.description,
        int(rec.enabled),
        rec.site_id,
        rec.credential_id,
        json.dumps(fingerprint.values(rec.credential_values)),
        json.dumps(rec.options),
        rec.created_unix or now,
        now,
    )


class IntegrationStore:
    """The integrations table of one sandbox database.

    Not thread-safe: the server uses it from its event-loop thread only.
    """

    def __init__(self, store: Store):
        self.store = store
        self._db = store.connection
        self._db.executescript(_SCHEMA)
        self.fingerprint = store.fingerprint
        self._fingerprint_old_rows()

    def _fingerprint_old_rows(self) -> None:
        """Databases written before fingerprints held plain values: replace them once."""
        if self.store.meta_get(MIGRATED_KEY) == "1":
            return
        changed = 0
        with self.store.transaction():
            rows = self._db.execute("SELECT id, credential_values FROM integrations").fetchall()
            for rid, raw in rows:
                values = json.loads(raw)
                if not all(is_fingerprint(v) for v in values.values()):
                    sealed = json.dumps(self.fingerprint.values(values))
                    self._db.execute(
                        "UPDATE integrations SET credential_values = ? WHERE id = ?",
                        (sealed, rid),
                    )
                    changed += 1
            self.store.meta_set(MIGRATED_KEY, "1")
        if changed and str(self.store.path) != ":memory:":
            # Rewrite the file and empty the WAL: no page may keep the old plain values.
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def get(self, integration_id: str) -> Integration | None:
        row = self.get_row(integration_id)
        return self.decode(row) if row else None

    def page(self, limit: int, offset: int) -> list[Integration]:
        """Integrations in creation order; the seq primary key makes this an index walk."""
        return [self.decode(r) for r in self.page_rows(limit, offset)]

    def get_row(self, integration_id: str) -> Row | None:
        """``get``'s row as stored, not decoded."""
        row: Row | None = self._db.execute(
            f"SELECT {_COLUMNS} FROM integrations WHERE id = ?", (integration_id,)
        ).fetchone()
        return row

    def page_rows(self, limit: int, offset: int) -> list[Row]:
        """``page``'s rows as stored, not decoded."""
        return self._db.execute(
            f"SELECT {_COLUMNS} FROM integrations ORDER BY seq LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()

    def decode(self, row: Row) -> Integration:
        """The record a row of ``get_row``/``page_rows`` stores."""
        return _row_to_integration(row, self.fingerprint)

    def name_owner(self, name: str) -> str | None:
        """The id of the integration called ``name``, if any."""
        row = self._db.execute("SELECT id FROM integrations WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def insert(self, rec: Integration) -> None:
        self.insert_many([rec])

    def insert_many(self, recs: Iterable[Integration]) -> int:
        """Insert all or none (one transaction); raises NameTaken on a duplicate name."""
        now = int(time.time())
        try:
            with self.store.transaction():
                cur = self._db.executemany(
                    "INSERT INTO integrations (id, name, description, enabled, site_id, "
                    "credential_id, credential_values, options, created_unix, updated_unix) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_params(r, now, self.fingerprint) for r in recs),
                )
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc) from None
        return cur.rowcount

    def update(self, rec: Integration) -> None:
        """Overwrite every stored field of ``rec.id``; raises NameTaken on a duplicate name."""
        p = _params(rec, int(time.time()), self.fingerprint)
        try:
            self._db.execute(
                "UPDATE integrations SET name = ?, description = ?, enabled = ?, "
                "site_id = ?, credential_id = ?, credential_values = ?, options = ?, "
                "updated_unix = ? WHERE id = ?",
                (*p[1:8], p[9], rec.id),
            )
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc) from None


def _integrity(exc: sqlite3.IntegrityError) -> Exception:
    """NameTaken for the unique name index; anything else is a bug and stays itself."""
    return NameTaken(str(exc)) if "integrations.name" in str(exc) else exc
