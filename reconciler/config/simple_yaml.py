"""The common config file, read without PyYAML: nested ``key: value`` lines and lists.

Why: most files are a dozen lines of plain keys and values, and libyaml spends about 70 µs on
one of them building node objects we then walk again; at 10,000 files that is most of the
loading. This reader accepts only a strict subset of YAML: one document of block mappings
and block lists of scalars, in ASCII, with identifier keys and one-line values that are plain
(and can mean only one thing) or single-quoted. For anything else it answers None, and the
text goes through the full loader, as every text did before. What it returns is exactly what
the full loader returns for the same text: the same data, the same ``(line, column)`` of
every key and value, the same ``numbers`` flag (tests/config/test_simple_yaml.py holds the
two to that, on generated texts).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reconciler.model import Document, PathKey

# ``key:`` then nothing (a nested mapping or list follows) or one space and a value.
_KEY_LINE = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?")
# ``- value``: an item of a block list of scalars.
_ITEM_LINE = re.compile(r"( *)- (.*)")
# A plain value: no YAML indicator first, no space or ':' last, only printable ASCII between
# (and neither ': ' nor ' #' inside: checked apart).
_PLAIN = re.compile(r"[A-Za-z0-9_(./+~$^=\\;](?:[ -~]*[!-9;-~])?")
# A single-quoted value on one line ('' is a quote); no escapes in this style.
_QUOTED = re.compile(r"'((?:[ -&(-~]|'')*)'")

# Mappings nested deeper than this are left to the full loader, which enforces the input
# budget's depth limit (docs/input-limits.md) with its own message; config files are shallow.
MAX_NESTING = 16

# A plain scalar's text -> (its value, whether it is a number); ValueError: not plainly one.
Resolve = Callable[[str], tuple[Any, bool]]


def load_simple(text: str, file: str, resolve: Resolve) -> Document | None:
    """The one document of ``text`` if it is in the subset, else None.

    ``resolve(value)`` gives a plain scalar's value and whether it is a number, or raises
    ValueError (the full loader's rules, passed in so both share one definition).
    """
    if not text.isascii() or "\r" in text or "\t" in text:
        return None
    reader = _Reader(resolve)
    for number, line in enumerate(text.split("\n"), start=1):
        if line and not reader.line(number, line):
            return None
    return reader.document(file)


class _Reader:
    """The state of one text read line by line; ``line`` answers False to give up."""

    def __init__(self, resolve: Resolve):
        self.resolve = resolve
        self.root: dict[str, Any] = {}
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self.numbers = False
        # open mappings, innermost last: (indentation, the mapping, its path)
        self.stack: list[tuple[int, dict[str, Any], PathKey]] = [(0, self.root, ())]
        # a key written as ``key:`` whose mapping or list has not started: (path, key, indent)
        self.pending: tuple[PathKey, str, int] | None = None
        self.items: tuple[int, list[Any], PathKey] | None = None  # the open list, if any

    def line(self, number: int, line: str) -> bool:
        keyed = _KEY_LINE.fullmatch(line)
        if keyed is None:
            item = _ITEM_LINE.fullmatch(line)
            return item is not None and self._item(number, len(item.group(1)), item.group(2))
        self.items = None
        spaces, key, value = keyed.groups()
        indent = len(spaces)
        if self.pending is not None:  # the first key of a nested mapping: deeper than its key
            path, name, above = self.pending
            if indent <= above:
                return False
            if len(self.stack) >= MAX_NESTING:
                return False
            child: dict[str, Any] = {}
            self.stack[-1][1][name] = child
            self.positions[path] = (number, indent + 1)
            self.stack.append((indent, child, path))
            self.pending = None
        else:
            while indent < self.stack[-1][0]:
                self.stack.pop()
            if indent != self.stack[-1][0]:
                return False
        _, mapping, parent = self.stack[-1]
        if key in mapping:
            return False  # a duplicate: the full loader reports it
        here = (*parent, key)
        self.positions.setdefault((), (number, indent + 1))
        self.key_positions[here] = (number, indent + 1)
        if value is None:
            self.pending = (here, key, indent)
            mapping[key] = None  # holds the key's place; its mapping or list replaces it
            return True
        found = self._scalar(value)
        if found is None:
            return False
        mapping[key] = found[0]
        self.positions[here] = (number, indent + len(key) + 3)
        return True

    def _item(self, number: int, indent: int, value: str) -> bool:
        if self.pending is not None:  # a list starts: at its key's indentation or deeper
            path, name, above = self.pending
            if indent < above:
                return False
            self.items = (indent, [], path)
            self.stack[-1][1][name] = self.items[1]
            self.positions[path] = (number, indent + 1)
            self.pending = None
        if self.items is None or self.items[0] != indent:
            return False
        _, values, path = self.items
        found = self._scalar(value)
        if found is None:
            return False
        self.positions[(*path, len(values))] = (number, indent + 3)
        values.append(found[0])
        return True

    def _scalar(self, value: str) -> tuple[Any] | None:
        """``(value,)`` of a one-line plain or single-quoted scalar, None if not plainly one."""
        if value.startswith("'"):
            quoted = _QUOTED.fullmatch(value)
            return (quoted.group(1).replace("''", "'"),) if quoted else None
        if _PLAIN.fullmatch(value) is None or ": " in value or " #" in value:
            return None
        try:
            read, is_number = self.resolve(value)
        except ValueError:
            return None
        self.numbers = self.numbers or is_number
        return (read,)

    def document(self, file: str) -> Document | None:
        if self.pending is not None or not self.positions:
            return None  # a key with nothing under it at the end, or no key at all
        return Document(
            self.root, file, 0, self.positions, self.key_positions, numbers=self.numbers
        )
