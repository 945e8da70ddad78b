"""One YAML document → a frozen ``DesiredIntegration``: what the file asks of RevCent.

Why frozen and normalised here: the planner compares desired with live many times and must
never wonder whether a value is an int or a string, a list or a tuple, or whether a key was
absent (not managed) or empty. Absent stays ``None``; option values are always tuples of text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from reconciler.model import Document, Location, SecretRef
from reconciler.providers.revcent.descriptor import KIND

TOP_LEVEL = ("description", "enabled", "credentials", "options")
_EMPTY: Mapping[str, Any] = MappingProxyType({})

OptionMap = Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True)
class Credentials:
    """Which credentials to save, as secret references; or ``external``: saved by a person;
    or ``secure_form``: a person enters them in a Secure Form (``reconciler credentials``)."""

    id: str
    fields: Mapping[str, SecretRef] = field(default_factory=lambda: _EMPTY)
    external: bool = False
    secure_form: bool = False

    @property
    def sent(self) -> bool:
        """Whether plan and apply send these credentials (never for external or secure-form
        ones: no secret of those passes through reconciler's YAML, environment or plans)."""
        return not (self.external or self.secure_form)


@dataclass(frozen=True, kw_only=True)
class DesiredIntegration:
    """A RevCent user third-party integration as one YAML document describes it.

    ``None`` (and an option or field not listed) means "not managed": the planner leaves the
    live value alone and reports no drift for it. ``ignore`` does the same for written fields.
    """

    kind: str = KIND
    name: str
    id: str | None = None
    previously: tuple[str, ...] = ()
    description: str | None = None
    enabled: bool | None = None
    site_integration: str
    # the site integration's integration_type the file relies on (None: not checked)
    type: str | None = None
    credentials: Credentials | None = None
    options: OptionMap = field(default_factory=lambda: _EMPTY)
    ignore: frozenset[str] = frozenset()
    document: Document = field(compare=False, repr=False)

    def manages(self, path: str) -> bool:
        """Whether this file manages ``path``: written here and not under ``ignore``.

        ``path`` is ``name``, ``site_integration``, ``description``, ``enabled``,
        ``credentials``, ``options``, ``options.<option_id>`` or ``options.<option_id>.<field_id>``.
        """
        parts = path.split(".")
        if parts[0] in ("name", "site_integration") and len(parts) == 1:
            return True
        if parts[0] not in TOP_LEVEL or (parts[0] != "options" and len(parts) > 1):
            raise ValueError(f"not a managed path: {path!r}")
        if len(parts) > 3:
            raise ValueError(f"not a managed path: {path!r}")
        if self.ignore and any(".".join(parts[: i + 1]) in self.ignore for i in range(len(parts))):
            return False
        if parts[0] == "description":
            return self.description is not None
        if parts[0] == "enabled":
            return self.enabled is not None
        if parts[0] == "credentials":
            return self.credentials is not None
        if len(parts) == 1:
            return bool(self.options)
        fields = self.options.get(parts[1])
        return fields is not None and (len(parts) == 2 or parts[2] in fields)

    def location(self, path: str = "") -> Location:
        """Where a dotted ``path`` (``options.company.company_code``) is written in the YAML."""
        return self.document.location(*(p for p in path.split(".") if p))

    @property
    def key(self) -> str:
        """RevCent's natural key is the integration's name."""
        return self.name


def from_document(document: Document) -> DesiredIntegration:
    """The desired integration of a schema-valid ``document`` (checked by the config layer)."""
    data = document.data
    credentials = data.get("credentials")
    return DesiredIntegration(
        kind=data["kind"],
        name=data["name"],
        id=data.get("id"),
        previously=tuple(data.get("previously") or ()),
        description=data.get("description"),
        enabled=data.get("enabled"),
        site_integration=data["site_integration"],
        type=data.get("type"),
        credentials=_credentials(document, credentials) if credentials is not None else None,
        options=_options(data.get("options") or {}),
        ignore=frozenset(data.get("ignore") or ()),
        document=document,
    )


def _credentials(document: Document, data: Mapping[str, Any]) -> Credentials:
    base = os.path.dirname(document.file)
    refs: dict[str, SecretRef] = {}
    for field_id, ref in (data.get("fields") or {}).items():
        location = document.location("credentials", "fields", field_id)
        if "env" in ref:
            refs[field_id] = SecretRef(env=ref["env"], location=location, label=field_id)
        else:
            path = _secret_path(base, ref["file"])
            refs[field_id] = SecretRef(file=path, location=location, label=field_id)
    return Credentials(
        id=data["id"],
        fields=MappingProxyType(refs),
        external=bool(data.get("external")),
        secure_form=bool(data.get("secure_form")),
    )


def _secret_path(base: str, path: str) -> str:
    """``~`` expanded; relative paths taken from the YAML file's directory, not the cwd."""
    expanded = os.path.expanduser(path)
    return expanded if os.path.isabs(expanded) else os.path.join(base, expanded)


def _options(data: Mapping[str, Mapping[str, Any]]) -> OptionMap:
    return MappingProxyType(
        {
            option_id: MappingProxyType(
                {field_id: _values(value) for field_id, value in fields.items()}
            )
            for option_id, fields in data.items()
        }
    )


def _values(value: Any) -> tuple[str, ...]:
    """A scalar is one value; integers become their decimal text (``5`` → ``"5"``)."""
    items = value if isinstance(value, list) else [value]
    return tuple(str(item) for item in items)
