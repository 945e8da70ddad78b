"""What a provider tells about its catalog and an account's assets, as vendor-neutral data.

Why neutral values: ``reconciler catalog`` and ``reconciler assets`` render the same shapes
as text, JSON or Markdown for every vendor; the vendor knowledge (which site integrations or
types exist, which fields they have, where assets come from) lives in each provider's
``discovery`` module, which answers with these values. Nothing here knows a vendor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.errors import ConfigError


class NoAssets(ConfigError):
    """The provider has no account assets at all (asked only when no other provider answers)."""


@dataclass(frozen=True)
class FieldInfo:
    """One field a user may set: a credential field, an option field or a sub-object key."""

    id: str
    name: str = ""
    type: str = "input"  # input | select | text | boolean | number | list | object …
    required: bool = False
    multiple: bool = False
    values: tuple[str, ...] = ()  # static choices (a select that is not an asset, an enum)
    asset: bool = False  # the values come from the provider account, once it can be reached
    secret: bool = False
    description: str = ""


@dataclass(frozen=True)
class GroupInfo:
    """Fields that belong together: the credentials, one option, or one sub-object."""

    id: str
    name: str = ""
    role: str = "option"  # credentials | option | object
    required: bool = False
    description: str = ""
    fields: tuple[FieldInfo, ...] = ()


@dataclass(frozen=True)
class SiteInfo:
    """One thing an integration can be made of: a RevCent site integration, a Solvimon type."""

    provider: str
    id: str
    name: str
    type: str
    description: str = ""
    needs_credentials: bool = False
    needs_options: bool = False  # some option is required before it can be enabled
    has_options: bool = False
    groups: tuple[GroupInfo, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """Extra reference data a provider lists (Solvimon: the default e-invoicing mandates)."""

    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    available: bool = True
    note: str = ""


@dataclass(frozen=True)
class Listing:
    """Everything a provider's catalog offers, with reference tables and notes."""

    provider: str
    entries: tuple[SiteInfo, ...]
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssetField:
    """One option field of a live integration: what the account offers and what is saved."""

    option_id: str
    field_id: str
    name: str
    type: str
    required: bool
    multiple: bool
    asset: bool
    offered: tuple[str, ...] | None  # None: not knowable yet (credentials not saved)
    saved: tuple[str, ...] = ()

    @property
    def stale(self) -> tuple[str, ...]:
        """Saved values the account no longer offers (plan refuses to resend them)."""
        if self.offered is None or self.type != "select":
            return ()
        return tuple(v for v in self.saved if v not in self.offered)


@dataclass(frozen=True)
class AssetReport:
    """The assets one live integration's account offers, per field, and which are saved."""

    provider: str
    id: str
    name: str
    site_id: str
    site_name: str
    type: str
    enabled: bool | None
    credential_id: str | None
    credentials_saved: bool
    fields: tuple[AssetField, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


class Discovery(Protocol):
    """A provider's read-only discovery: its catalog, one entry, a starter file, assets."""

    def listing(self) -> Listing:
        """Every site integration (type) the account can use."""
        ...

    def describe(self, reference: str) -> SiteInfo:
        """One entry by id or exact name; ConfigError naming the choices when none or several."""
        ...

    def starter(self, site: SiteInfo) -> str:
        """A YAML document for ``site`` that passes ``reconciler validate``; no secret values."""
        ...

    def assets(self, reference: str) -> AssetReport:
        """The assets of the live integration called (or with id) ``reference``."""
        ...


class Discoverable(Protocol):
    def discovery(self) -> Discovery: ...


def to_data(value: Any) -> Any:
    """A JSON-ready form of the values above (dataclasses as objects, tuples as lists)."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_data(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, AssetField):
            out["stale"] = list(value.stale)
        return out
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    return value
