"""What the vendor-neutral core asks of a provider, and the values they exchange.

Why a protocol: the planner, executor, renderers and CLI must work for any vendor, so every
vendor-specific rule (how to read, what counts as equal, which steps in which order, how to
verify) lives behind these methods and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from reconciler.errors import Problem
from reconciler.model import DesiredResource, Document
from reconciler.plan import Change, FieldChange, Step

# Key of an exported document holding lines for the file's header comment: what the file leaves
# out for plan to accept it, and what to fix. The importer takes it out; never a YAML key.
FIX_KEY = "#fix"


@dataclass(frozen=True)
class LiveRef:
    """A live object as a list shows it: enough to match it to YAML by id or key."""

    id: str
    key: str  # the natural key (RevCent: the name; Solvimon: the reference)


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


DesiredT = TypeVar("DesiredT", bound=DesiredResource)
LiveT = TypeVar("LiveT")


class Provider(Protocol[DesiredT, LiveT]):
    """One vendor. Instances hold a client bound to one account.

    ``DesiredT`` is what ``parse`` makes of a YAML document, ``LiveT`` what ``get_live`` makes
    of a Get body (parsed once, there): the core passes both around without looking inside.
    What only some vendors can do is a capability below (``Prepares``, ``Rechecks``,
    ``Adopts``, ``TestsConnection``), declared by having the method, never stubbed.
    """

    name: str
    kinds: tuple[str, ...]

    # -- desired state --------------------------------------------------------------------
    def parse(self, document: Document) -> DesiredT:
        """Turn a schema-valid document of one of ``kinds`` into the provider's desired value."""
        ...

    # -- reading --------------------------------------------------------------------------
    def list_live(self) -> Iterable[LiveRef]:
        """Every live object of the account (all pages), in the account's order.

        May be lazy (a generator fetching page by page): the planner Gets listed objects while
        later pages are still being read.
        """
        ...

    def get_live(self, object_id: str) -> LiveT:
        """The live object ``object_id``, read and parsed."""
        ...

    # -- planning and checking ------------------------------------------------------------
    def check_live(self, desired: Sequence[DesiredT], live: Mapping[str, LiveT]) -> list[Problem]:
        """Problems of the desired objects against the live catalog (``validate --live``).

        ``live`` maps a desired object's key to its matched live object.
        """
        ...

    def plan_change(self, desired: DesiredT, live: LiveT | None, options: PlanOptions) -> Change:
        """The change that makes ``live`` (None: absent) look like ``desired``.

        Raises PlanError when the vendor's rules forbid it.
        """
        ...

    def drift(self, desired: DesiredT, live: LiveT) -> list[FieldChange]:
        """Managed fields that differ live (no steps; used by ``drift``)."""
        ...

    def fingerprint(self, live: LiveT) -> str:
        """A stable hash of what planning read from a live object (detects stale plans)."""
        ...

    def export(self, live: LiveT) -> dict[str, Any]:
        """A YAML document (as data) that describes ``live`` exactly (``import``)."""
        ...

    # -- applying -------------------------------------------------------------------------
    def send(self, step: Step, body: Mapping[str, Any], object_id: str | None) -> str | None:
        """Send one step (by its ``intent``) with secrets resolved; a create returns the id."""
        ...

    def verify(self, step: Step, live: LiveT) -> list[Mismatch]:
        """Fields the read-back ``live`` holds differently from what ``step`` sent."""
        ...

    def close(self) -> None: ...


# A provider of any vendor, as the core holds them side by side.
AnyProvider = Provider[Any, Any]


@runtime_checkable
class Prepares(Protocol):
    """Fetches what planning needs once (a catalog) before the ``plan_change`` calls."""

    def prepare(self, desired: Sequence[Any]) -> None: ...


@runtime_checkable
class Rechecks(Protocol):
    """Can say, just before a ``recheck`` step is sent, why it no longer holds."""

    def recheck(self, step: Step, live: Any) -> list[str]:
        """Reasons not to send ``step`` now (e.g. an asset value no longer offered)."""
        ...


@runtime_checkable
class Adopts(Protocol):
    """Can find an object by its key: a create whose answer was lost is adopted, not repeated."""

    def find_by_key(self, key: str) -> str | None:
        """The id of the live object whose natural key is ``key``, read from the API now."""
        ...


@runtime_checkable
class TestsConnection(Protocol):
    """Can test an integration's credentials without changing anything."""

    def test_connection(self, desired: Any, live: Any) -> tuple[bool, str]:
        """(successful, the vendor's message)."""
        ...


def prepare(provider: AnyProvider, desired: Sequence[Any]) -> None:
    """Let ``provider`` fetch what planning needs, if it needs anything."""
    if isinstance(provider, Prepares):
        provider.prepare(desired)
