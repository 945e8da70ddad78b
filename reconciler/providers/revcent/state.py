"""RevCent live state as comparable values: what counts as equal, where assets are listed.

Why: ordering and whitespace must never produce a change, so every comparison goes through
one normalisation here, used alike by the planner, drift, verification and import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OptionValues = dict[str, dict[str, tuple[str, ...]]]  # option id -> field id -> values


def norm_text(value: str | None) -> str | None:
    """Whitespace-insensitive form of a name, description or option value."""
    return None if value is None else " ".join(value.split())


def norm_values(values: Iterable[str], multiple: bool) -> tuple[str, ...]:
    """Comparable option values: trimmed; a multi-select compares as a set."""
    cleaned = [norm_text(v) or "" for v in values]
    return tuple(sorted(set(cleaned))) if multiple else tuple(cleaned)


@dataclass(frozen=True)
class Catalog:
    """Option and field definitions of one site integration (with assets, when embedded)."""

    site: Mapping[str, Any]

    @property
    def site_id(self) -> str:
        return str(self.site.get("id", ""))

    @property
    def name(self) -> str:
        return str(self.site.get("name", ""))

    @property
    def credential_id(self) -> str | None:
        creds = self.site.get("third_party_credentials") or {}
        return creds.get("id")

    def options(self) -> list[Mapping[str, Any]]:
        return list(self.site.get("third_party_options") or [])

    def option(self, option_id: str) -> Mapping[str, Any] | None:
        return next((o for o in self.options() if o.get("id") == option_id), None)

    def field_def(self, option_id: str, field_id: str) -> Mapping[str, Any] | None:
        option = self.option(option_id)
        if option is None:
            return None
        return next((f for f in option.get("fields") or [] if f.get("id") == field_id), None)

    def is_multiple(self, option_id: str, field_id: str) -> bool:
        definition = self.field_def(option_id, field_id) or {}
        return bool((definition.get("select_settings") or {}).get("multiple"))

    def multiples(self) -> list[tuple[str, str]]:
        """(option id, field id) of every multi-select, as ``is_multiple`` reads them (the
        first definition of a repeated id counts)."""
        out: list[tuple[str, str]] = []
        seen: set[tuple[Any, Any]] = set()
        for option in self.options():
            option_id = option.get("id")
            if (option_id, None) in seen:
                continue
            seen.add((option_id, None))
            for definition in option.get("fields") or []:
                key = (option_id, definition.get("id"))
                if key in seen:
                    continue
                seen.add(key)
                if (definition.get("select_settings") or {}).get("multiple"):
                    out.append((str(option_id), str(definition.get("id"))))
        return out

    def is_asset(self, option_id: str, field_id: str) -> bool:
        definition = self.field_def(option_id, field_id) or {}
        return bool((definition.get("select_settings") or {}).get("third_party_asset"))

    def assets(self, option_id: str, field_id: str) -> list[str]:
        """Asset values listed for an asset field (empty until credentials are saved)."""
        definition = self.field_def(option_id, field_id) or {}
        return list((definition.get("select_settings") or {}).get("options") or [])

    def order(self) -> dict[tuple[str, str | None], int]:
        """Position of every option and field, so merged option sets are sent in catalog order."""
        rank: dict[tuple[str, str | None], int] = {}
        for i, option in enumerate(self.options()):
            rank[(option.get("id", ""), None)] = i * 1000
            for j, fdef in enumerate(option.get("fields") or []):
                rank[(option.get("id", ""), fdef.get("id"))] = i * 1000 + j + 1
        return rank


@dataclass(frozen=True)
class LiveIntegration:
    """A GetUserThirdPartyIntegration body, read into the fields reconciler manages."""

    id: str
    name: str
    description: str | None
    enabled: bool | None
    credentials_saved: frozenset[str]
    options: OptionValues
    catalog: Catalog
    raw: Mapping[str, Any] = field(compare=False, repr=False, default_factory=dict)

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> LiveIntegration:
        options: OptionValues = {}
        for option in body.get("third_party_options_saved") or []:
            fields = options.setdefault(str(option.get("id")), {})
            for fdef in option.get("fields") or []:
                fields[str(fdef.get("id"))] = tuple(str(v) for v in fdef.get("value") or [])
        return cls(
            id=str(body.get("id")),
            name=str(body.get("name")),
            description=body.get("description"),
            enabled=body.get("enabled"),
            credentials_saved=frozenset(body.get("third_party_credentials_saved") or []),
            options=options,
            catalog=Catalog(body.get("site_third_party_integration") or {}),
            raw=body,
        )

    def values(self, option_id: str, field_id: str) -> tuple[str, ...] | None:
        return self.options.get(option_id, {}).get(field_id)


def options_body(options: OptionValues, catalog: Catalog) -> list[dict[str, Any]]:
    """A ``third_party_options`` request body in catalog order (unknown ids last, by name)."""
    rank = catalog.order()
    body = []

    def position(option_id: str, field_id: str | None) -> tuple[int, str]:
        return (rank.get((option_id, field_id), 10**9), field_id or option_id)

    for option_id in sorted(options, key=lambda o: position(o, None)):
        fields = options[option_id]
        ordered = sorted(fields, key=lambda f: position(option_id, f))
        body.append(
            {"id": option_id, "fields": [{"id": f, "value": list(fields[f])} for f in ordered]}
        )
    return body


def options_from_body(body: Iterable[Mapping[str, Any]]) -> OptionValues:
    """The inverse of ``options_body``."""
    return {
        str(o["id"]): {str(f["id"]): tuple(f.get("value") or []) for f in o.get("fields") or []}
        for o in body
    }


def comparable(options: OptionValues, catalog: Catalog) -> dict[str, dict[str, tuple[str, ...]]]:
    """Options with every value list normalised, and empty value lists dropped."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for option_id, fields in options.items():
        for field_id, values in fields.items():
            normalised = norm_values(values, catalog.is_multiple(option_id, field_id))
            if normalised:
                out.setdefault(option_id, {})[field_id] = normalised
    return out
