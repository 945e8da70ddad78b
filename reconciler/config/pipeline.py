"""Paths → documents → desired objects, with every offline problem of every file collected.

Why collect instead of stopping at the first problem: a user fixing a directory of YAML wants
the whole list in one run, the way a compiler reports. Why the steps are separate functions:
``validate`` prints notes and problems without raising; ``plan`` and ``apply`` want objects or
one ``ConfigError`` holding everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.config import crossfile, files, kinds, loader, schema
from reconciler.config.limits import NOT_A_MAPPING
from reconciler.errors import ConfigError, Problem
from reconciler.model import DesiredResource, Document

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class ConfigResult:
    """What reading a configuration found: its files, documents, objects and problems.

    ``resources`` holds the objects of the documents that passed their own checks (so catalog
    checks can still run on them); ``problems`` is sorted and includes notes.
    """

    files: tuple[str, ...]
    documents: tuple[Document, ...]
    resources: tuple[DesiredResource, ...]
    problems: tuple[Problem, ...]
    contents: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def notes(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity != "error")

    def raise_for_errors(self) -> None:
        """Raise one ConfigError holding every error (and the notes beside), if any error."""
        if self.errors:
            raise ConfigError(list(self.problems))


def read_config(paths: Iterable[PathLike], *, skip_other_kinds: bool = False) -> ConfigResult:
    """Read and check every file under ``paths``; never raises for a bad configuration.

    ``skip_other_kinds`` (the pre-commit hook): documents that are not the tool's, such as a
    Kubernetes ``kind: ConfigMap`` or a YAML without ``kind``, are left out with a note.
    """
    names, problems = files.discover(paths)
    documents: list[Document] = []
    checked: list[str] = []
    contents: dict[str, bytes] = {}
    for name in names:
        found, trouble = loader.load_file(name, contents)
        if skip_other_kinds:
            found, trouble = _own_kinds(found, trouble)
            if not found and not any(p.severity == "error" for p in trouble):
                problems.extend(trouble)
                continue
        checked.append(name)
        documents.extend(found)
        problems.extend(trouble)
    names = checked
    _expect(documents)
    resources: list[DesiredResource] = []
    for document in documents:
        own = check_document(document)
        problems.extend(own)
        if not own:
            resources.extend(_parse(document, problems))
    problems.extend(crossfile.check_unique(documents))
    return ConfigResult(
        tuple(names),
        tuple(documents),
        tuple(resources),
        tuple(sorted(problems)),
        {name: contents[name] for name in names if name in contents},
    )


def _expect(documents: list[Document]) -> None:
    """Tell the schema checks how many documents of each schema are coming."""
    counts: dict[str, int] = {}
    for document in documents:
        info = kinds.kind_info(document.kind)
        if info is not None:
            counts[info.schema] = counts.get(info.schema, 0) + 1
    for name, count in counts.items():
        schema.expect(name, count)


def _own_kinds(
    documents: list[Document], trouble: list[Problem]
) -> tuple[list[Document], list[Problem]]:
    """The documents of the tool's kinds, and the problems to report: each other document
    becomes a note. A kind under a provider's prefix (``revcent/Typo``) is still the tool's,
    so it fails as unknown; a file that does not parse as YAML still fails (whose it is cannot
    be told; exclude other tools' templates in the hook's ``exclude:``)."""
    prefixes = tuple(kind.split("/", 1)[0] + "/" for kind in kinds.known_kinds())
    mine: list[Document] = []
    kept: list[Problem] = []
    for problem in trouble:
        if problem.message.startswith(NOT_A_MAPPING):
            kept.append(_skipped(problem.file, problem.line, problem.column, "not a mapping"))
        else:
            kept.append(problem)
    for document in documents:
        kind = document.data.get("kind")
        if isinstance(kind, str) and kind.startswith(prefixes):
            mine.append(document)
            continue
        at = document.location("kind") if "kind" in document.data else document.location()
        what = f"kind {kind!r}" if "kind" in document.data else "no 'kind'"
        kept.append(_skipped(at.file, at.line, at.column, what))
    return mine, kept


def _skipped(file: str, line: int, column: int, what: str) -> Problem:
    known = ", ".join(kinds.known_kinds())
    return Problem(
        file,
        line,
        column,
        f"skipped: {what}, not a reconciler document (--skip-other-kinds)",
        f"reconciler checks {known}",
        severity="note",
    )


def check_document(document: Document) -> list[Problem]:
    """The kind and schema problems of one document."""
    kind = document.data.get("kind") if isinstance(document.data, dict) else None
    info = kinds.kind_info(kind)
    if info is None:
        known = ", ".join(kinds.known_kinds())
        if kind is None:
            return [document.problem((), "missing required key 'kind'", f"add kind: {known}")]
        shown = repr(kind) if isinstance(kind, str) else str(kind)
        return [document.problem(("kind",), f"unknown kind {shown}", f"known kinds: {known}")]
    return schema.validate(document, info.schema, info.secret_roots)


def _parse(document: Document, problems: list[Problem]) -> list[DesiredResource]:
    info = kinds.kind_info(document.kind)
    assert info is not None  # check_document passed
    try:
        return [kinds.parser_for(info)(document)]
    except ConfigError as exc:
        problems.extend(exc.problems)
        return []


def load_documents(paths: Iterable[PathLike]) -> list[Document]:
    """Every document under ``paths``, or ConfigError with every error of every file."""
    result = read_config(paths)
    result.raise_for_errors()
    return list(result.documents)


def load_config(paths: Iterable[PathLike]) -> list[DesiredResource]:
    """Every desired object under ``paths``, or ConfigError with every error of every file."""
    result = read_config(paths)
    result.raise_for_errors()
    return list(result.resources)
