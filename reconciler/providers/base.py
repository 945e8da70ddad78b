"""What the vendor-neutral core asks of a provider, and the values they exchange.

Why a protocol: the planner, executor, renderers and CLI must work for any vendor, so every
vendor-specific rule (how to read, what counts as equal, which steps in which order, how to
verify) lives behind these methods and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.errors import Problem
from reconciler.model import DesiredResource, Document
from reconciler.plan import Change, FieldChange, Step

# Key of an exported document holding lines for the file's header comment: what the file leaves
# out for plan to accept it, and what to fix. The importer takes it out; never a YAML key.
FIX_KEY = "#fix"


@dataclass(frozen=True)
class LiveRef:
    """A live object as a list shows it: enough to match it to YAML by id or name."""

    id: str
    name: str


@dataclass(frozen=True)
class PlanOptions:
    """Choices the user makes for one plan."""

    # integration names, "provider:name" (one vendor's only), or {"all"}
    rotate_credentials: frozenset[str] = frozenset()

    def rotates(self, name: str, provider: str | None = None) -> bool:
        """Whether to send ``name``'s secrets again; ``provider:name`` names one vendor's."""
        wanted = self.rotate_credentials
        return "all" in wanted or name in wanted or f"{provider}:{name}" in wanted


@dataclass(frozen=True)
class Mismatch:
    """A field the server holds differently from what a step sent."""

    path: str
    expected: Any
    actual: Any


@dataclass
class ReadResult:
    """Live state of one provider: every object listed, full bodies of the managed ones."""

    refs: list[LiveRef]
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> Get body


class Provider(Protocol):
    """One vendor. Instances hold a client bound to one account."""

    name: str
    kinds: tuple[str, ...]

    # -- desired state --------------------------------------------------------------------
    def parse(self, document: Document) -> DesiredResource:
        """Turn a schema-valid document of one of ``kinds`` into the provider's desired value."""
        ...

    # -- reading --------------------------------------------------------------------------
    def list_live(self) -> Iterable[LiveRef]:
        """Every live object of the account (all pages), in the account's order.

        May be lazy (a generator fetching page by page): the planner Gets listed objects while
        later pages are still being read.
        """
        ...

    def get_live(self, object_id: str) -> dict[str, Any]:
        """The full live body of one object."""
        ...

    def prepare(self, desired: Sequence[DesiredResource]) -> None:
        """Fetch whatever planning needs once (catalogs), before ``plan_change`` calls."""
        ...

    # -- planning and checking ------------------------------------------------------------
    def check_live(
        self, desired: Sequence[DesiredResource], live: Mapping[str, dict[str, Any]]
    ) -> list[Problem]:
        """Problems of the desired objects against the live catalog (``validate --live``).

        ``live`` maps a desired object's name to its matched live body.
        """
        ...

    def plan_change(
        self, desired: DesiredResource, live: dict[str, Any] | None, options: PlanOptions
    ) -> Change:
        """The change that makes ``live`` (None: absent) look like ``desired``.

        Raises PlanError when the vendor's rules forbid it.
        """
        ...

    def drift(self, desired: DesiredResource, live: dict[str, Any]) -> list[FieldChange]:
        """Managed fields that differ live (no steps; used by ``drift``)."""
        ...

    def fingerprint(self, live: dict[str, Any]) -> str:
        """A stable hash of what planning read from a live object (detects stale plans)."""
        ...

    def export(self, live: dict[str, Any]) -> dict[str, Any]:
        """A YAML document (as data) that describes ``live`` exactly (``import``)."""
        ...

    # -- applying -------------------------------------------------------------------------
    def send(self, step: Step, body: Mapping[str, Any], object_id: str | None) -> str | None:
        """Send one step with secrets resolved; returns the new id for a create."""
        ...

    def find_by_name(self, name: str) -> str | None:
        """The id of the live object called ``name`` (adopting after an ambiguous create)."""
        ...

    def verify(self, step: Step, live: dict[str, Any]) -> list[Mismatch]:
        """Fields the read-back ``live`` holds differently from what ``step`` sent."""
        ...

    def recheck(self, step: Step, live: dict[str, Any]) -> list[str]:
        """Reasons not to send ``step`` now (e.g. an asset value no longer offered)."""
        ...

    def close(self) -> None: ...
