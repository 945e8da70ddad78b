"""YAML text → ``Document``s that remember the ``(line, column)`` of every key and value.

Why compose instead of ``safe_load``: a problem found later (schema, catalog, plan) must point
at the exact node, so we keep PyYAML's node marks. Why our own scalar rules: PyYAML follows
YAML 1.1, where ``yes``/``no``/``on``/``off`` are booleans, ``1:20`` is a number and ``007`` is
octal. Editors following the schema modeline read YAML 1.2, so we do too, and more strictly:
only ``true``/``false`` are booleans and only plain decimals are numbers. Everything else stays
text, exactly as written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from reconciler.errors import Problem
from reconciler.model import Document, PathKey

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

SYNTAX_HINT = "check indentation, quotes, brackets and the ': ' after each key"
TAB_HINT = "indent with spaces; YAML does not allow tabs for indentation"


class _Resolver(BaseResolver):
    """Implicit tags of plain scalars, YAML 1.2 style (see the module docstring)."""


_Resolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(_INT, re.compile(r"^(?:0|-?[1-9][0-9]*)$"), list("-0123456789"))
_Resolver.add_implicit_resolver(
    _FLOAT,
    re.compile(  # no leading zeros, as for integers: '007' stays text
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)

try:  # the C parser is several times faster; the pure one is the same grammar
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    class _ComposeLoader(_Parser, _Resolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Resolver.__init__(self)

    FAST = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _ComposeLoader(Reader, Scanner, Parser, Composer, _Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _Resolver.__init__(self)

    FAST = False


@dataclass
class _Builder:
    """Turns one document's node tree into plain data, recording positions and problems."""

    file: str
    problems: list[Problem]
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def at(self, node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def report(self, node: Node, message: str, hint: str = "") -> None:
        line, column = self.at(node)
        self.problems.append(Problem(self.file, line, column, message, hint))

    def build(self, node: Node, path: PathKey, ancestors: frozenset[int]) -> Any:
        self.positions.setdefault(path, self.at(node))
        if id(node) in ancestors:  # an alias pointing at its own ancestor
            self.report(node, "recursive YAML alias", "an anchor cannot contain itself")
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        inner = ancestors | {id(node)}
        if isinstance(node, SequenceNode):
            self.check_tag(node, _SEQ)
            return [self.build(item, (*path, i), inner) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        self.check_tag(node, _MAP)
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, "a key must be plain text", "write the key as one word")
                continue
            key = key_node.value  # the text as written: JSON keys are strings
            if key in data:
                first = self.key_positions[(*path, key)][0]
                self.report(
                    key_node,
                    f"duplicate key {key!r}",
                    f"it is already set at line {first}; keep one",
                )
                continue
            self.key_positions[(*path, key)] = self.at(key_node)
            data[key] = self.build(value_node, (*path, key), inner)
        return data

    def check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            self.report(node, f"unsupported YAML tag {_short(node.tag)}", "remove the tag")

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        try:
            if tag == _STR:
                return text
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return {"true": True, "false": False}[text.lower()]
            if tag == _INT:
                return int(text)
            if tag == _FLOAT:
                return _float(text)
        except (KeyError, ValueError):
            self.report(node, f"{text!r} does not fit the tag {_short(tag)}", "remove the tag")
            return text
        self.report(node, f"unsupported YAML tag {_short(tag)}", "remove the tag")
        return text


def _short(tag: str) -> str:
    """``!!binary`` for YAML's own tags, as the user wrote them."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class SourceFloat(float):
    """A float that remembers how it was written, so a message can quote ``+15550101`` back
    instead of ``15550101.0``."""

    text: str

    def __new__(cls, value: float, text: str) -> SourceFloat:
        number = super().__new__(cls, value)
        number.text = text
        return number


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        value = -math.inf if lowered.startswith("-") else math.inf
    elif lowered == ".nan":
        value = math.nan
    else:
        value = float(text)
    return SourceFloat(value, text)


def load_text(text: str, file: str) -> tuple[list[Document], list[Problem]]:
    """Every non-empty document of one YAML text, and every problem met while reading it.

    Documents read before a syntax error are kept, so their own problems are reported too.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    loader = _ComposeLoader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL):
                index += 1
                continue  # an empty document, e.g. a trailing '---'
            builder = _Builder(file, problems)
            data = builder.build(node, (), frozenset())
            if isinstance(data, dict):
                documents.append(
                    Document(data, file, index, builder.positions, builder.key_positions)
                )
            else:
                builder.report(
                    node,
                    f"a document must be a mapping of keys, not {_shape(data)}",
                    "start each document with 'kind: ...' and write one key per line",
                )
            index += 1
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, text, file))
    except yaml.reader.ReaderError as exc:  # a control character: raised before any mark
        problems.append(_character_problem(exc, text, file))
    finally:
        loader.dispose()
    return documents, problems


def _character_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character YAML does not allow (NUL, other controls), located at its line and column."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        file,
        line,
        column,
        f"character U+{code:04X} is not allowed in YAML",
        "remove it; save the file as plain UTF-8 text",
    )


def _shape(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "a string"
    return "a single value"


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """One clear problem for a YAML syntax error, pointing at a tab if one is to blame."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark is not None else 0
    lines = re.split(r"\r\n|\r|\n", text)
    # A tab in the indentation of this line or the one above is the usual cause of libyaml's
    # "cannot start any token" / "violates indentation"; point at that tab itself.
    for number in (line, line - 1):
        if 0 <= number < len(lines):
            indent = re.match(r"[ \t]*", lines[number]).group()  # type: ignore[union-attr]
            if "\t" in indent:
                column = indent.index("\t") + 1
                return Problem(file, number + 1, column, "tab character in indentation", TAB_HINT)
    message = f"YAML syntax error: {exc.problem or 'invalid YAML'}"
    if exc.context and exc.context_mark is not None:
        message += f" {exc.context} that starts at line {exc.context_mark.line + 1}"
    column = mark.column + 1 if mark is not None else 1
    return Problem(file, line + 1, column, message, SYNTAX_HINT)


def load_file(path: str) -> tuple[list[Document], list[Problem]]:
    """The documents of one file named as the user gave it; unreadable files are a problem."""
    try:
        raw = _read(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return [], [Problem(path, 1, 1, f"cannot read the file: {reason}", "check the path")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(path, line, 1, "the file is not UTF-8 text", "save it as UTF-8")]
    return load_text(text, path)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
