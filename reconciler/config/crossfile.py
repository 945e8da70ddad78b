"""Checks that need every document at once: names and ids must each belong to one document.

A kind's name is the key its registry entry names (``name`` for RevCent, ``reference`` for
Solvimon); ``previously`` lists former values of that key.

Why names *and* previous names share one space: a previous name tells reconciler "the live
integration called this is mine, rename it". If two documents claim the same name in any role,
two documents would edit one integration, or one would create what the other renames.
Each problem is put at the later occurrence (file order, then line) and names the first.
Names compare as the planner matches them to live ones: runs of whitespace count as one space.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.config.kinds import kind_info
from reconciler.errors import Problem
from reconciler.live import natural_key
from reconciler.model import Document, PathKey

NAME_HINT = "names and previous names must be unique across all files; rename one"
ID_HINT = "one live integration can be managed by one document only; remove one id"


@dataclass(frozen=True)
class _Claim:
    document: Document
    path: PathKey
    role: str  # "name" or "previous name" (or the kind's key: "reference"…)

    def where(self) -> str:
        return str(self.document.location(*self.path))


def check_unique(documents: Sequence[Document]) -> list[Problem]:
    """Duplicate names, previous names and ids among ``documents`` (of the same kind)."""
    problems: list[Problem] = []
    names: dict[tuple[str, str], _Claim] = {}
    ids: dict[tuple[str, str], _Claim] = {}
    for document in documents:
        data = document.data if isinstance(document.data, dict) else {}
        kind = str(data.get("kind"))
        for claim, value in _name_claims(document):
            key = (kind, natural_key(value))  # as the planner matches live names
            first = names.get(key)
            if first is None:
                names[key] = claim
            elif first.document is document:
                problems.append(
                    document.problem(
                        claim.path,
                        f"previously repeats this document's own name {value!r}",
                        "remove it from previously",
                    )
                )
            else:
                article = "a previous" if first.role.startswith("previous ") else "the"
                article = f"{article} {first.role.removeprefix('previous ')}"
                problems.append(
                    document.problem(
                        claim.path,
                        f"duplicate {claim.role} {value!r}: already {article} at {first.where()}",
                        NAME_HINT.replace("names", _key(document) + "s"),
                    )
                )
        pinned = data.get("id")
        if isinstance(pinned, str) and pinned:
            claim = _Claim(document, ("id",), "id")
            first = ids.setdefault((kind, pinned), claim)
            if first is not claim:
                problems.append(
                    document.problem(
                        ("id",),
                        f"duplicate id {pinned!r}: already the id at {first.where()}",
                        ID_HINT,
                    )
                )
    return problems


def _key(document: Document) -> str:
    """The key that names objects of this document's kind (``name`` if the kind is unknown)."""
    info = kind_info(document.kind)
    return info.key if info is not None else "name"


def _name_claims(document: Document) -> list[tuple[_Claim, str]]:
    data = document.data if isinstance(document.data, dict) else {}
    claims: list[tuple[_Claim, str]] = []
    key = _key(document)
    name = data.get(key)
    if isinstance(name, str) and name:
        claims.append((_Claim(document, (key,), key), name))
    previously = data.get("previously")
    if isinstance(previously, list):
        seen: set[str] = set()
        for index, old in enumerate(previously):
            if isinstance(old, str) and old and old not in seen:  # repeats: the schema's job
                seen.add(old)
                claims.append((_Claim(document, ("previously", index), f"previous {key}"), old))
    return claims
