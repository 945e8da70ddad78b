"""The sandbox's SQLite database: one file for every vendor's tables, plus ``meta``.

Why SQLite: state must survive restarts and be shared by ``sandbox reset`` from another
process; WAL lets readers and the writer overlap. Each vendor makes and reads its own tables
through ``connection``; this module owns the file, its privacy, the fingerprint salt, the
``meta`` flags and the reset. It knows no table of any vendor.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from reconciler.sandbox.fingerprint import Fingerprinter

DEFAULT_DB = Path(".reconciler") / "sandbox.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

SALT_KEY = "credential_salt"  # meta row: hex of the per-database HMAC salt
# meta row: a vendor's migration left no plaintext credential (databases before fingerprints)
MIGRATED_KEY = "credentials_fingerprinted"
_KEPT_META = (SALT_KEY, MIGRATED_KEY)  # survive clear(): they describe the file, not the account
_PRIVATE = 0o600  # the database and its -wal/-shm files: readable by their owner only


class Store:
    """One sandbox database: its connection, a small key/value ``meta`` table and the salt.

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

    def _salt(self) -> bytes:
        """The per-database salt, made on first use (INSERT OR IGNORE: two openers agree)."""
        self._db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            (SALT_KEY, secrets.token_hex(32)),
        )
        return bytes.fromhex(self.meta_get(SALT_KEY) or "")

    def close(self) -> None:
        self._db.close()

    def clear(self) -> None:
        """Delete every row of every table (each vendor's integrations, idempotency keys,
        meta flags): a fresh, never-seeded account. The salt stays: it belongs to the file."""
        tables = [
            row[0]
            for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # Made by SQLite with the first AUTOINCREMENT table: absent while no vendor made one.
        sequence = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
        ).fetchone()
        with self._transaction():
            for table in tables:
                if table == "meta":
                    marks = ", ".join("?" for _ in _KEPT_META)
                    self._db.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", _KEPT_META)
                else:
                    self._db.execute(f'DELETE FROM "{table}"')
            if sequence is not None:
                self._db.execute("DELETE FROM sqlite_sequence")

    @property
    def connection(self) -> sqlite3.Connection:
        """The database, for each vendor's own tables (same file)."""
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


def _make_private(path: Path, *, create: bool) -> None:
    """Owner-only permissions: created 0600 before SQLite opens it, tightened if older."""
    if create and not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, _PRIVATE))
    if path.exists() and os.name == "posix":
        os.chmod(path, _PRIVATE)
