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
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from reconciler.boundedfile import NotRegularFile, read_bounded
from reconciler.config.simple_yaml import load_simple
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

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        """BaseResolver.resolve without its path resolvers (none are registered), called once
        per node by the C composer: about half the cost."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


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

# Input budgets (docs/input-limits.md). Why: a config file is read by CI on every push; an
# alias bomb, a deep nesting or a device file must be refused in a clear line, not end in a
# MemoryError, a RecursionError, a C stack overflow or a run that never finishes.
MAX_FILE_BYTES = 1024 * 1024  # per config file
MAX_DEPTH = 64  # nested lists/mappings, counted as written and as aliases expand
MAX_ALIASES = 1000  # alias uses (*name) per document
MAX_ALIAS_NODES = 10_000  # nodes copied by expanding aliases, per document
LIMIT_HINT = "see docs/input-limits.md"


class _TooDeep(yaml.MarkedYAMLError):
    """Raised while composing, before the C parser recurses deep enough to crash."""


class _DepthComposer(Composer):
    """PyYAML's composer with a nesting limit, fed by the (C or pure) parser's events.

    Why not the C composer: it recurses in C with no limit, so ``[[[[…`` half a million deep
    crashes the interpreter (SIGSEGV). Composing in Python costs little next to validation,
    and stopping at ``MAX_DEPTH`` also spares libyaml's slow handling of very deep flows.
    """

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[attr-defined]
                raise _TooDeep(problem=_depth_message(), problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _depth_message() -> str:
    return f"YAML nested deeper than {MAX_DEPTH} levels"


try:  # the C parser is several times faster; the pure one is the same grammar
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    class _ComposeLoader(_DepthComposer, _Parser, _Resolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _DepthComposer.__init__(self)
            _Resolver.__init__(self)

        def dispose(self) -> None:  # the C parser has nothing to free but the Composer's map
            self.anchors = {}

    class _CComposeLoader(_Parser, _Resolver):
        """libyaml's own composer (in C, about 3x faster): only for texts proven shallow."""

        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Resolver.__init__(self)

    FAST = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _ComposeLoader(Reader, Scanner, Parser, _DepthComposer, _Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            _DepthComposer.__init__(self)
            _Resolver.__init__(self)

    _CComposeLoader = _ComposeLoader  # type: ignore[misc,assignment]
    FAST = False

# Every nesting level of a YAML node is opened by one of these characters (a block sequence's
# '-', a mapping's ':' or '?', a flow's '[' or '{'), so a text holding at most MAX_DEPTH of them
# in all cannot nest deeper than MAX_DEPTH; characters inside scalars only make the count larger.
_OPENERS = "-:?[{"


def _surely_shallow(text: str) -> bool:
    """Whether ``text`` cannot nest deeper than ``MAX_DEPTH`` (see ``_OPENERS``)."""
    total = 0
    for opener in _OPENERS:
        total += text.count(opener)
        if total >= MAX_DEPTH:
            return False
    return True


class _Budget(Exception):
    """A document went over an input budget; the builder reports it once and stops."""


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

    # What aliases cost so far: a node built a second time is an alias use, and every node
    # below it is a copy. Counted so an alias bomb stops after MAX_ALIAS_NODES, not at GBs.
    built: set[int] = field(default_factory=set)
    aliases: int = 0
    copies: int = 0
    numbers: bool = False  # whether an int or float was built (the schema's fast check asks)

    def refuse(self, node: Node, message: str, hint: str = LIMIT_HINT) -> None:
        self.report(node, message, hint)
        raise _Budget

    def build(
        self, node: Node, path: PathKey, ancestors: frozenset[int], copying: bool = False
    ) -> Any:
        if path not in self.positions:
            mark = node.start_mark
            self.positions[path] = (mark.line + 1, mark.column + 1)
        node_id = id(node)
        if node_id in ancestors:  # an alias pointing at its own ancestor
            self.report(node, "recursive YAML alias", "an anchor cannot contain itself")
            return None
        if len(ancestors) >= MAX_DEPTH:
            self.refuse(node, _depth_message() + " once aliases are expanded")
        if not copying and node_id in self.built:
            copying = True
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                self.refuse(node, f"more than {MAX_ALIASES} YAML alias uses in one document")
        if copying:
            self.copies += 1
            if self.copies > MAX_ALIAS_NODES:
                self.refuse(node, f"YAML aliases expand to more than {MAX_ALIAS_NODES} values")
        else:
            self.built.add(node_id)
        if type(node) is ScalarNode:
            if node.tag == _STR:  # the usual scalar, without a call
                return node.value
            return self.scalar(node)
        inner = ancestors | {node_id}
        if isinstance(node, SequenceNode):
            self.check_tag(node, _SEQ)
            return [
                self.build(item, (*path, i), inner, copying) for i, item in enumerate(node.value)
            ]
        assert isinstance(node, MappingNode)
        self.check_tag(node, _MAP)
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, "a key must be plain text", "write the key as one word")
                continue
            key = key_node.value  # the text as written: JSON keys are strings
            child = (*path, key)
            if self.duplicate(key_node, child, data):
                continue
            data[key] = self.build(value_node, child, inner, copying)
        return data

    def duplicate(self, key_node: Node, child: PathKey, data: dict[str, Any]) -> bool:
        """Whether the key at ``child`` is already in ``data`` (reported), else record where
        it is written."""
        key = child[-1]
        if key in data:
            first = self.key_positions[child][0]
            self.report(
                key_node, f"duplicate key {key!r}", f"it is already set at line {first}; keep one"
            )
            return True
        mark = key_node.start_mark
        self.key_positions[child] = (mark.line + 1, mark.column + 1)
        return False

    def build_plain(self, node: Node, path: PathKey) -> Any:
        """``build`` for a text without aliases (no ``*`` in it): no node can be met twice, so
        nothing is counted or copied, and only written depth is possible (the composer's
        limit). The same data, positions and problems, for a fifth less of the loading."""
        mark = node.start_mark
        self.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        kind = type(node)
        if kind is ScalarNode:
            return node.value if node.tag == _STR else self.scalar(node)  # type: ignore[arg-type]
        if kind is SequenceNode:
            self.check_tag(node, _SEQ)
            return [self.build_plain(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        self.check_tag(node, _MAP)
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                self.report(key_node, "a key must be plain text", "write the key as one word")
                continue
            key = key_node.value
            child = (*path, key)
            if self.duplicate(key_node, child, data):
                continue
            data[key] = self.build_plain(value_node, child)
        return data

    def check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            self.report(node, f"unsupported YAML tag {_short(node.tag)}", "remove the tag")

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        try:
            value, number = _tagged(tag, text)
        except (KeyError, ValueError):
            self.report(node, f"{text!r} does not fit the tag {_short(tag)}", "remove the tag")
            return text
        except LookupError:
            self.report(node, f"unsupported YAML tag {_short(tag)}", "remove the tag")
            return text
        self.numbers = self.numbers or number
        return value


class _UnknownTag(LookupError):
    """A tag none of the scalar rules read."""


def _tagged(tag: str, text: str) -> tuple[Any, bool]:
    """The value of a scalar of ``tag`` written ``text``, and whether it is a number.

    KeyError or ValueError: the text does not fit the tag; _UnknownTag: no rule for it.
    """
    if tag == _STR:
        return text, False
    if tag == _NULL:
        return None, False
    if tag == _BOOL:
        return {"true": True, "false": False}[text.lower()], False
    if tag == _INT:
        return int(text), True
    if tag == _FLOAT:
        return _float(text), True
    raise _UnknownTag(tag)


_PLAIN_RESOLVER = _Resolver()
_RESOLVED_FIRST = frozenset(_Resolver.yaml_implicit_resolvers)  # first characters of non-text


def _plain_value(text: str) -> tuple[Any, bool]:
    """A plain scalar as the composer and builder read it (simple_yaml's ``resolve``)."""
    if text[:1] not in _RESOLVED_FIRST:
        return text, False
    try:
        return _tagged(_PLAIN_RESOLVER.resolve(ScalarNode, text, (True, False)), text)
    except LookupError as exc:  # not expected for a resolved tag; the full loader decides
        raise ValueError(text) from exc


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


NOT_A_MAPPING = "a document must be a mapping of keys"


def load_text(text: str, file: str) -> tuple[list[Document], list[Problem]]:
    """Every non-empty document of one YAML text, and every problem met while reading it.

    Documents read before a syntax error are kept, so their own problems are reported too.
    """
    # The usual file (plain keys, one-line values, lists) is read without PyYAML at all
    # (config/simple_yaml.py), to the same documents; anything else as follows.
    # Most config files are a few dozen lines: libyaml composes them in C. Any text that could
    # nest deeper than the limit goes through the Python composer, which stops at the limit;
    # so does a text with any problem, for the Python composer's messages (they name the
    # undefined alias, the C one does not).
    simple = load_simple(text, file, _plain_value)
    if simple is not None:
        return [simple], []
    if _surely_shallow(text):
        documents, problems = load_with(_CComposeLoader, text, file)
        if not problems:
            return documents, problems
    return load_with(_ComposeLoader, text, file)


def load_with(
    loader_class: type[_ComposeLoader] | type[_CComposeLoader],
    text: str,
    file: str,
    *,
    plain: bool | None = None,
) -> tuple[list[Document], list[Problem]]:
    """``load_text`` with a given composer and builder (``plain``: ``build_plain``, by default
    for a text without ``*``); tests check that every choice gives the same answer."""
    documents: list[Document] = []
    problems: list[Problem] = []
    plain = "*" not in text if plain is None else plain
    loader = loader_class(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL):
                index += 1
                continue  # an empty document, e.g. a trailing '---'
            builder = _Builder(file, problems)
            try:
                if plain:
                    data = builder.build_plain(node, ())
                else:
                    data = builder.build(node, (), frozenset())
            except _Budget:
                index += 1
                continue  # reported; the rest of this document is not worth checking
            if isinstance(data, dict):
                documents.append(
                    Document(
                        data,
                        file,
                        index,
                        builder.positions,
                        builder.key_positions,
                        numbers=builder.numbers,
                    )
                )
            else:
                builder.report(
                    node,
                    f"{NOT_A_MAPPING}, not {_shape(data)}",
                    "start each document with 'kind: ...' and write one key per line",
                )
            index += 1
    except _TooDeep as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problems.append(Problem(file, line, column, _depth_message(), LIMIT_HINT))
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


def load_file(
    path: str, contents: dict[str, bytes] | None = None
) -> tuple[list[Document], list[Problem]]:
    """The documents of one file named as the user gave it; unreadable files are a problem.

    ``contents`` receives the bytes read (the configuration's fingerprint is made of exactly
    the bytes that were planned, and the file is not read twice).
    """
    try:
        raw = _read(path)
    except NotRegularFile as exc:
        return [], [Problem(path, 1, 1, str(exc), "a config file must be a regular file")]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return [], [Problem(path, 1, 1, f"cannot read the file: {reason}", "check the path")]
    if contents is not None:
        contents[path] = raw
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES // 1024} KiB"
        return [], [Problem(path, 1, 1, message, "split it into several files; " + LIMIT_HINT)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(path, line, 1, "the file is not UTF-8 text", "save it as UTF-8")]
    return load_text(text, path)


def _read(path: str) -> bytes:
    return read_bounded(path, MAX_FILE_BYTES)


# The two composers, by name, for tests that hold them to the same answers.
PYTHON_COMPOSER = _ComposeLoader
C_COMPOSER = _CComposeLoader
