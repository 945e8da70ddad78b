"""Salted fingerprints of credential values: what the sandbox stores instead of the secrets.

Why HMAC-SHA256 with a per-database random salt: the database file must never hold a
credential a user sent (it may be a real key pasted by mistake), yet the sandbox still has
to tell whether credentials changed and which asset list a key sees. Equal values give
equal fingerprints within one database; a value is never recoverable from one.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from typing import Any

PREFIX = "hmac-sha256:"


class Fingerprinter:
    """Fingerprints under one database's salt."""

    def __init__(self, salt: bytes):
        # Keyed once; each fingerprint copies it (cheaper than keying HMAC per value).
        self._keyed = hmac.new(salt, digestmod=hashlib.sha256)
        self._public: dict[str, str] = {}  # see ``public``

    def __call__(self, value: str) -> str:
        """The fingerprint of ``value``; a fingerprint is returned unchanged (idempotent)."""
        if is_fingerprint(value):
            return value
        mac = self._keyed.copy()
        mac.update(value.encode("utf-8"))
        return PREFIX + mac.hexdigest()

    def public(self, value: str) -> str:
        """The fingerprint of a value that is no secret (the catalog's asset keys), remembered:
        every Get and list item compares saved credentials with them. Never pass a value a
        client sent: it would stay in memory."""
        known = self._public.get(value)
        if known is None:
            known = self._public[value] = self(value)
        return known

    def __repr__(self) -> str:
        return "Fingerprinter(<salt hidden>)"

    def values(self, plain: Mapping[str, str]) -> Fingerprints:
        """``{field id: fingerprint}`` of ``{field id: value}``."""
        return Fingerprints(self, {key: self(value) for key, value in plain.items()})

    def seal(self, body: dict[str, Any], paths: Iterable[tuple[str, ...]]) -> dict[str, Any]:
        """A copy of ``body`` with the string at each path (where present) fingerprinted."""
        out = copy.deepcopy(body)
        for path in paths:
            node: Any = out
            for part in path[:-1]:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict) and isinstance(node.get(path[-1]), str):
                node[path[-1]] = self(node[path[-1]])
        return out


class Fingerprints(dict[str, str]):
    """Saved credential fields: ``{field id: fingerprint}``, able to test a candidate value."""

    def __init__(self, fingerprinter: Fingerprinter, items: Mapping[str, str]):
        super().__init__(items)
        self.fingerprinter = fingerprinter


def is_fingerprint(value: str) -> bool:
    """Whether ``value`` has the shape of a fingerprint (prefix and 64 lower-case hex digits)."""
    return _SHAPE.fullmatch(value) is not None


_SHAPE = re.compile(re.escape(PREFIX) + "[0-9a-f]{64}")


def saved_equals(
    saved: Mapping[str, str], field_id: str, candidate: str, *, public: bool = False
) -> bool:
    """Whether the saved value of ``field_id`` is ``candidate``.

    Stored records hold fingerprints (compared under their salt, in constant time); a record
    built in memory and never stored (tests, views of literal data) holds plain values.
    ``public``: ``candidate`` is no secret, its fingerprint may be remembered (see
    ``Fingerprinter.public``).
    """
    value = saved.get(field_id)
    if value is None:
        return False
    if isinstance(saved, Fingerprints):
        fingerprint = saved.fingerprinter
        expected = fingerprint.public(candidate) if public else fingerprint(candidate)
        return hmac.compare_digest(value, expected)
    return value == candidate
