"""The full YAML loader: PyYAML's parser and composer, within the input budgets.

Why apart from config/loader.py: most files never need it (config/simple_yaml.py reads them),
and importing PyYAML is a noticeable share of a run's start-up; loader.py imports this module
only for a text the simple reader declines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from reconciler.config.limits import (
    LIMIT_HINT,
    MAX_ALIAS_NODES,
    MAX_ALIASES,
    MAX_DEPTH,
    NOT_A_MAPPING,
    SYNTAX_HINT,
    TAB_HINT,
)
from reconciler.config.scalars import IMPLICIT, NULL, STR, short, tagged
from reconciler.errors import Problem
from reconciler.model import Document, PathKey

_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Resolver(BaseResolver):
    """Implicit tags of plain scalars: the table of config/scalars.py (YAML 1.2 style, stricter)."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        """BaseResolver.resolve without its path resolvers (none are registered), called once
        per node by the C composer: about half the cost."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return STR
        return _SEQ if kind is SequenceNode else _MAP


for _tag, _rule, _firsts in IMPLICIT:
    _Resolver.add_implicit_resolver(_tag, _rule, list(_firsts))


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
            if node.tag == STR:  # the usual scalar, without a call
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
            return node.value if node.tag == STR else self.scalar(node)  # type: ignore[arg-type]
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
            self.report(node, f"unsupported YAML tag {short(node.tag)}", "remove the tag")

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        try:
            value, number = tagged(tag, text)
        except (KeyError, ValueError):
            self.report(node, f"{text!r} does not fit the tag {short(tag)}", "remove the tag")
            return text
        except LookupError:
            self.report(node, f"unsupported YAML tag {short(tag)}", "remove the tag")
            return text
        self.numbers = self.numbers or number
        return value


def compose_text(text: str, file: str) -> tuple[list[Document], list[Problem]]:
    """``load_text`` for a text the simple reader declined.

    Most config files are a few dozen lines: libyaml composes them in C. Any text that could
    nest deeper than the limit goes through the Python composer, which stops at the limit;
    so does a text with any problem, for the Python composer's messages (they name the
    undefined alias, the C one does not).
    """
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
            if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
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


# The two composers, by name, for tests that hold them to the same answers.
PYTHON_COMPOSER = _ComposeLoader
C_COMPOSER = _CComposeLoader
