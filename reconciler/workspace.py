"""The desired state of one run: YAML documents loaded, parsed per provider, fingerprinted.

Why: plan, apply, drift and validate all start from the same loaded configuration, and a saved
plan must be able to tell whether the configuration changed since (the fingerprint).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.config import read_config
from reconciler.errors import ConfigError, Problem
from reconciler.model import DesiredResource, Document
from reconciler.providers.registry import provider_for_kind


@dataclass
class Workspace:
    """Documents of the given paths, grouped into desired objects per provider."""

    paths: tuple[str, ...]
    files: tuple[str, ...]
    documents: list[Document]
    desired: dict[str, list[DesiredResource]] = field(default_factory=dict)
    fingerprint: str = ""
    notes: tuple[Problem, ...] = ()  # e.g. documents skipped by --skip-other-kinds

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.desired.values())


def load_workspace(paths: Sequence[str], *, skip_other_kinds: bool = False) -> Workspace:
    """Load and check every document (all problems at once), grouped per provider."""
    result = read_config(list(paths), skip_other_kinds=skip_other_kinds)
    result.raise_for_errors()
    desired: dict[str, list[DesiredResource]] = {}
    for resource in result.resources:
        info = provider_for_kind(resource.kind)
        if info is None:  # a kind the config layer knows but no provider serves: a bug
            raise ConfigError(f"no provider serves kind {resource.kind!r}")
        desired.setdefault(info.name, []).append(resource)
    return Workspace(
        paths=tuple(paths),
        files=result.files,
        documents=list(result.documents),
        desired=desired,
        fingerprint=fingerprint_files(result.files, result.contents),
        notes=result.notes,
    )


def fingerprint_files(files: Sequence[str], contents: Mapping[str, bytes] | None = None) -> str:
    """A hash of the configuration's files (names and bytes), order-independent.

    ``contents``: the bytes already read (by the loader), so the hash is of what was planned;
    any other file is read here.
    """
    known = contents or {}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0")
        raw = known.get(name)
        digest.update((raw if raw is not None else Path(name).read_bytes()) + b"\0")
    return digest.hexdigest()[:16]
