"""Vendor-neutral values of the desired state: documents with positions, secret references.

Why: every later stage (validation, planning, rendering) must be able to say *where* in which
YAML file a value came from, and secrets must travel as references until the moment of use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.boundedfile import NotRegularFile, read_bounded
from reconciler.errors import Problem, SecretError

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """A place in a YAML file, 1-based like editors show it."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Document:
    """One YAML document as plain data, plus the position of every node in it.

    ``positions`` maps a path of keys/indexes (``()`` is the document itself) to the
    ``(line, column)`` where that node's value starts; keys are located at their value.
    """

    data: Any
    file: str
    index: int = 0
    positions: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict, compare=False)
    # Where each mapping key is written: problems about a key itself (unknown, duplicate, an
    # unknown option id) point there, not at its value, which may start lines later.
    key_positions: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict, compare=False)
    # Whether the data holds an int or float (the loader knows; None: not known, look). The
    # schema's fast check leaves such documents to jsonschema (see config/schema.py).
    numbers: bool | None = field(default=None, compare=False)

    @property
    def kind(self) -> str | None:
        value = self.data.get("kind") if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else None

    def location(self, *path: str | int) -> Location:
        """Where ``path`` is, or its nearest located ancestor (never fails)."""
        key: PathKey = tuple(path)
        while key and key not in self.positions:
            key = key[:-1]
        line, column = self.positions.get(key, (1, 1))
        return Location(self.file, line, column)

    def problem(
        self, path: PathKey, message: str, hint: str = "", severity: str = "error"
    ) -> Problem:
        """A Problem located at ``path`` of this document."""
        loc = self.location(*path)
        return Problem(loc.file, loc.line, loc.column, message, hint, severity)

    def key_location(self, *path: str | int) -> Location:
        """Where the key naming ``path`` is written; its value's location if none is recorded."""
        position = self.key_positions.get(tuple(path))
        if position is None:
            return self.location(*path)
        return Location(self.file, position[0], position[1])

    def key_problem(
        self, path: PathKey, message: str, hint: str = "", severity: str = "error"
    ) -> Problem:
        """A Problem located at the key of ``path`` (unknown or duplicate keys, unknown ids)."""
        loc = self.key_location(*path)
        return Problem(loc.file, loc.line, loc.column, message, hint, severity)


MAX_SECRET_FILE_BYTES = 64 * 1024  # a secret file holds one value: a key, a token, a PEM


@dataclass(frozen=True)
class SecretRef:
    """A secret named by where to find it (an environment variable or a file), never its value."""

    env: str | None = None
    file: str | None = None
    location: Location | None = field(default=None, compare=False)
    # How messages name the field (the provider knows: a credential field id, a dotted path)
    label: str | None = field(default=None, compare=False)

    def describe(self) -> str:
        return f"env {self.env}" if self.env is not None else f"file {self.file}"

    def resolve(self, *, owner: str, field_name: str) -> str:
        """Read the secret now (apply time); errors name integration and field, never a value."""
        loc = self.location or Location("<config>", 1, 1)
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise SecretError(
                    Problem(
                        loc.file,
                        loc.line,
                        loc.column,
                        f"{owner}: credential field {field_name!r} refers to environment "
                        f"variable {self.env}, which is not set",
                        f"export {self.env} before running apply",
                    )
                )
            return value
        return self._read_file(loc, field_name=field_name, owner=owner)

    def _read_file(self, loc: Location, *, owner: str, field_name: str) -> str:
        """The file's text, refused unless it is a small regular UTF-8 file (see input-limits)."""

        def refuse(reason: str, hint: str) -> SecretError:
            message = (
                f"{owner}: credential field {field_name!r} refers to file {self.file}, {reason}"
            )
            return SecretError(Problem(loc.file, loc.line, loc.column, message, hint))

        try:
            raw = read_bounded(self.file or "", MAX_SECRET_FILE_BYTES)
        except NotRegularFile as exc:
            hint = "point it at a regular file"
            raise refuse(f"which is {exc.what}, not a regular file", hint) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            hint = "create the file or fix the path"
            raise refuse(f"which cannot be read ({reason})", hint) from None
        if len(raw) > MAX_SECRET_FILE_BYTES:
            raise refuse(
                f"which is larger than {MAX_SECRET_FILE_BYTES // 1024} KiB",
                "a secret file holds one value; check the path",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise refuse("which is not UTF-8 text", "save the secret as UTF-8 text") from None
        if "\0" in text:
            raise refuse("which holds a NUL character", "a secret file holds one text value")
        return text.rstrip("\r\n")


class DesiredResource(Protocol):
    """What the vendor-neutral core needs of any provider's desired object (read-only)."""

    @property
    def kind(self) -> str: ...
    @property
    def key(self) -> str:
        """The natural key: what YAML and live objects are matched by."""
        ...

    @property
    def id(self) -> str | None: ...
    @property
    def previously(self) -> tuple[str, ...]: ...
    @property
    def document(self) -> Document: ...


def secret_refs(value: Any) -> list[SecretRef]:
    """Every SecretRef inside a nested body (dicts, lists, tuples)."""
    found: list[SecretRef] = []
    if isinstance(value, SecretRef):
        found.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            found.extend(secret_refs(item))
    elif isinstance(value, list | tuple):
        for item in value:
            found.extend(secret_refs(item))
    return found
