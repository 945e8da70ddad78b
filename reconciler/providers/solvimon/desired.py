"""One YAML document → a frozen ``DesiredSolvimonIntegration``: what the file asks of Solvimon.

Why ``key`` holds the reference: the vendor-neutral core matches and reports objects by
``.key`` (its natural key); Solvimon's natural key is ``reference``, and its display name,
which need not be unique, is ``display_name``. Offline rules that need no account (a type
object of another type, duplicate keys in keyed arrays) are checked here, so ``validate``
reports them without a connection.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from reconciler.errors import ConfigError, Problem
from reconciler.model import Document, PathKey, SecretRef
from reconciler.providers.solvimon.descriptor import KIND
from reconciler.providers.solvimon.fields import (
    ARRAY_KEYS,
    OBJECTS,
    TYPE_OBJECTS,
    VARIANTS,
    is_secret,
)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, kw_only=True)
class DesiredSolvimonIntegration:
    """A Solvimon integration as one YAML document describes it.

    ``None`` (and a key not written) means "not managed". ``settings`` holds the written
    ``authentication`` and type objects as plain data, secrets as ``SecretRef``; treat it as
    read-only.
    """

    kind: str = KIND
    key: str  # the reference: the core's natural key
    display_name: str
    id: str | None = None
    previously: tuple[str, ...] = ()
    description: str | None = None
    type: str
    status: str | None = None
    settings: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    linked: tuple[Mapping[str, Any], ...] | None = None  # linked_resources_configurations
    document: Document = field(compare=False, repr=False)

    @property
    def reference(self) -> str:
        return self.key

    @property
    def type_object(self) -> str:
        return TYPE_OBJECTS[self.type]


def from_document(document: Document) -> DesiredSolvimonIntegration:
    """The desired integration of a schema-valid ``document``; ConfigError lists every
    offline problem of it."""
    data = document.data
    problems = list(_problems(document))
    if problems:
        raise ConfigError(problems)
    base = os.path.dirname(document.file)
    settings = {
        key: _with_secrets(document, data[key], (key,), base) for key in OBJECTS if key in data
    }
    linked = data.get("linked_resources_configurations")
    return DesiredSolvimonIntegration(
        key=data["reference"],
        display_name=data["name"],
        id=data.get("id"),
        previously=tuple(data.get("previously") or ()),
        description=data.get("description"),
        type=data["type"],
        status=data.get("status"),
        settings=MappingProxyType(settings),
        linked=tuple(linked) if linked is not None else None,
        document=document,
    )


def _with_secrets(document: Document, value: Any, path: tuple[str, ...], base: str) -> Any:
    """``value`` with the ``{env: …}``/``{file: …}`` at secret paths turned into SecretRefs."""
    if is_secret(path) and isinstance(value, Mapping):
        location = document.location(*path)
        label = ".".join(path)
        if "env" in value:
            return SecretRef(env=value["env"], location=location, label=label)
        expanded = os.path.expanduser(value["file"])
        resolved = expanded if os.path.isabs(expanded) else os.path.join(base, expanded)
        return SecretRef(file=resolved, location=location, label=label)
    if isinstance(value, Mapping):
        return {k: _with_secrets(document, v, (*path, k), base) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_secrets(document, v, path, base) for v in value]
    return value


def _problems(document: Document) -> Iterator[Problem]:
    data = document.data
    kind = data["type"]
    own = TYPE_OBJECTS[kind]
    for name, other in TYPE_OBJECTS.items():
        if other != own and other in data:
            yield document.key_problem(
                (other,),
                f"'{other}' does not apply to an integration of type {kind}",
                f"remove it, or set type: {name}",
            )
    settings = data.get(own)
    if isinstance(settings, Mapping):
        key, variants = VARIANTS[own]
        chosen = settings.get(key)
        for variant, obj in variants.items():
            if chosen is not None and obj and variant != chosen and obj in settings:
                yield document.key_problem(
                    (own, obj),
                    f"'{own}.{obj}' does not apply when {own}.{key} is {chosen}",
                    f"remove it, or set {key}: {variant}",
                )
    for spath, key in ARRAY_KEYS.items():
        yield from _duplicate_keys(document, data, spath, key, ())


def _duplicate_keys(
    document: Document, node: Any, spath: tuple[str, ...], key: str, at: PathKey
) -> Iterator[Problem]:
    """Items of the keyed array at ``spath`` that repeat a key (arrays nested in arrays too)."""
    head, rest = spath[0], spath[1:]
    value = node.get(head) if isinstance(node, Mapping) else None
    if rest:
        children: list[tuple[Any, PathKey]] = []
        if isinstance(value, Mapping):
            children = [(value, (*at, head))]
        elif isinstance(value, list):
            children = [(item, (*at, head, index)) for index, item in enumerate(value)]
        for child, where in children:
            yield from _duplicate_keys(document, child, rest, key, where)
        return
    if not isinstance(value, list):
        return
    seen: set[str] = set()
    for index, item in enumerate(value):
        name = item.get(key) if isinstance(item, Mapping) else None
        if name is None:
            continue
        if name in seen:
            yield document.problem(
                (*at, head, index, key),
                f"'{head}' lists {key} {name!r} twice",
                f"one entry per {key}: merge them",
            )
        seen.add(name)
