"""The Plan: a frozen value saying exactly which requests would be sent, and why.

Why: renderers, the executor and saved plan files all read the same data, and nothing about a
plan is decided while printing or applying it. Secrets stay ``SecretRef`` objects inside step
bodies and become ``"(sensitive)"`` in every serialised form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal

from reconciler.model import SecretRef

FORMAT_VERSION = 2  # 2: steps carry intent, target and recheck
SENSITIVE = "(sensitive)"
ID_PLACEHOLDER = "{id}"

Risk = Literal["low", "high"]
Action = Literal["create", "update", "noop"]
# What a step does, whatever the vendor calls it: providers dispatch on this, never on the
# vendor's operation name. "status" sets ``Step.target`` (enabled, ACTIVE, …); "test" changes
# nothing (a connection test whose failure stops the change).
Intent = Literal["create", "update", "credentials", "options", "status", "test"]
INTENTS: tuple[Intent, ...] = ("create", "update", "credentials", "options", "status", "test")
RISK_ORDER = {"high": 0, "low": 1, None: 2}


@dataclass(frozen=True)
class FieldChange:
    """One managed field that differs: ``path`` like ``options.company.company_code``."""

    path: str
    before: Any
    after: Any
    risk: Risk
    sensitive: bool = False


@dataclass(frozen=True)
class Step:
    """One request to send, exactly; ``path`` holds ``{id}`` until a create returns the id.

    ``operation`` is the vendor's name for the request, for people and logs; ``intent`` (and
    ``target`` for a status step) is what the provider acts on. ``recheck``: just before
    sending, the executor reads the object again and asks the provider (``Rechecks``) whether
    the step still holds, e.g. whether an asset it names is still offered.
    """

    operation: str
    method: str
    path: str
    body: Mapping[str, Any]
    risk: Risk
    purpose: str
    _: KW_ONLY
    intent: Intent
    target: str | None = None
    recheck: bool = False


@dataclass(frozen=True)
class Change:
    """What the plan does to one desired integration (``noop`` when nothing)."""

    provider: str
    kind: str
    key: str  # the natural key: how YAML and the vendor name it (RevCent name, Solvimon reference)
    id: str | None
    action: Action
    source: str
    fields: tuple[FieldChange, ...] = ()
    steps: tuple[Step, ...] = ()
    notes: tuple[str, ...] = ()
    live_fingerprint: str | None = None
    retires: bool = False  # takes a live integration out of service (disable, deprecate, …)
    # what may stop when it is retired: the vendor's features that use it (RevCent: by type)
    affects: tuple[str, ...] = ()

    @property
    def risk(self) -> Risk | None:
        if self.action == "noop":
            return None
        if self.action == "create" or any(f.risk == "high" for f in self.fields):
            return "high"
        return "low"

    @property
    def sort_key(self) -> tuple[int, int, str]:
        action_rank = {"create": 0, "update": 1, "noop": 2}[self.action]
        return (RISK_ORDER[self.risk], action_rank, self.key.casefold())


@dataclass(frozen=True)
class Unmanaged:
    """A live integration that no YAML document describes; listed, never changed."""

    provider: str
    kind: str
    key: str
    id: str


@dataclass(frozen=True)
class Plan:
    """Every change, high risk first, plus what is unmanaged and the fingerprints it rests on."""

    changes: tuple[Change, ...]
    unmanaged: tuple[Unmanaged, ...] = ()
    config_fingerprint: str = ""
    config_paths: tuple[str, ...] = ()
    rotate_credentials: tuple[str, ...] = ()  # the --rotate-credentials the plan was made with
    format_version: int = FORMAT_VERSION

    @property
    def pending(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action != "noop")

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "noop": 0}
        for change in self.changes:
            counts[change.action] += 1
        return {
            "create": counts["create"],
            "update": counts["update"],
            "unchanged": counts["noop"],
            "unmanaged": len(self.unmanaged),
        }

    def summary_line(self) -> str:
        s = self.summary()
        return (
            f"{s['create']} to create, {s['update']} to update, "
            f"{s['unchanged']} unchanged, {s['unmanaged']} unmanaged"
        )


def redact(value: Any) -> Any:
    """A JSON-ready copy of ``value`` with every secret reference replaced by ``(sensitive)``."""
    if isinstance(value, SecretRef):
        return SENSITIVE
    if isinstance(value, Mapping):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value
