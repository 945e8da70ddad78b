"""SQLite persistence of user integrations: one row each, looked up by indexed id and name.

Why SQLite: state must survive restarts and be shared by ``sandbox reset`` from another
process; WAL lets readers and the writer overlap. The store knows nothing of the vendor's
rules (see rules.py / service.py): it saves what it is given.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.sandbox.fingerprint import Fingerprinter, Fingerprints, is_fingerprint

DEFAULT_DB = Path(".reconciler") / "sandbox.db"

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
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

SALT_KEY = "credential_salt"  # meta row: hex of the per-database HMAC salt
MIGRATED_KEY = "credentials_fingerprinted"  # meta row: no plaintext credential is left
_KEPT_META = (SALT_KEY, MIGRATED_KEY)  # survive clear(): they describe the file, not the account
_PRIVATE = 0o600  # the database and its -wal/-shm files: readable by their owner only

_COLUMNS = (
    "id, name, description, enabled, site_id, credential_id, credential_values, options, "
    "created_unix"
)


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


class Store:
    """The integrations table and a small key/value ``meta`` table of one sandbox database.

    Not thread-safe: the server uses it from its event-loop thread only.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        on_disk = str(path) != ":memory:"
        if on_disk:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _make_private(self.path, create=True)
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Freed pages are zeroed: an overwritten row leaves no old bytes behind in the file.
        self._db.execute("PRAGMA secure_delete=ON")
        # NORMAL is durable against a crash of the process, which is all a sandbox needs,
        # and avoids an fsync per write that would dominate benchmark timings.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        if on_disk:
            for suffix in ("-wal", "-shm", "-journal"):
                _make_private(Path(f"{self.path}{suffix}"), create=False)
        self.fingerprint = Fingerprinter(self._salt())
        self._fingerprint_old_rows()

    def _salt(self) -> bytes:
        """The per-database salt, made on first use (INSERT OR IGNORE: two openers agree)."""
        self._db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            (SALT_KEY, secrets.token_hex(32)),
        )
        return bytes.fromhex(self.meta_get(SALT_KEY) or "")

    def _fingerprint_old_rows(self) -> None:
        """Databases written before fingerprints held plain values: replace them once."""
        if self.meta_get(MIGRATED_KEY) == "1":
            return
        changed = 0
        with self._transaction():
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
            self.meta_set(MIGRATED_KEY, "1")
        if changed and str(self.path) != ":memory:":
            # Rewrite the file and empty the WAL: no page may keep the old plain values.
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._db.close()

    def get(self, integration_id: str) -> Integration | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM integrations WHERE id = ?", (integration_id,)
        ).fetchone()
        return _row_to_integration(row, self.fingerprint) if row else None

    def page(self, limit: int, offset: int) -> list[Integration]:
        """Integrations in creation order; the seq primary key makes this an index walk."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM integrations ORDER BY seq LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [_row_to_integration(r, self.fingerprint) for r in rows]

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
            with self._transaction():
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

    def clear(self) -> None:
        """Delete every row of every table (each vendor's integrations, idempotency keys,
        meta flags): a fresh, never-seeded account. The salt stays: it belongs to the file."""
        tables = [
            row[0]
            for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        with self._transaction():
            for table in tables:
                if table == "meta":
                    marks = ", ".join("?" for _ in _KEPT_META)
                    self._db.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", _KEPT_META)
                else:
                    self._db.execute(f'DELETE FROM "{table}"')
            self._db.execute("DELETE FROM sqlite_sequence")

    @property
    def connection(self) -> sqlite3.Connection:
        """The database, for the tables of another vendor's part of the sandbox (same file)."""
        return self._db

    def transaction(self) -> AbstractContextManager[None]:
        """All-or-nothing writes on ``connection`` (BEGIN IMMEDIATE … COMMIT)."""
        return self._transaction()

    def meta_get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def meta_set(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # The connection is in autocommit mode; multi-statement writes need all-or-nothing.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _integrity(exc: sqlite3.IntegrityError) -> Exception:
    """NameTaken for the unique name index; anything else is a bug and stays itself."""
    return NameTaken(str(exc)) if "integrations.name" in str(exc) else exc


def _make_private(path: Path, *, create: bool) -> None:
    """Owner-only permissions: created 0600 before SQLite opens it, tightened if older."""
    if create and not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, _PRIVATE))
    if path.exists() and os.name == "posix":
        os.chmod(path, _PRIVATE)
