"""Solvimon discovery: the integration types, their sub-objects, and the default mandates.

Why from the YAML schema: Solvimon has no catalog endpoint; an integration's shape is fixed by
its ``type`` (the spec). The repository's schema (schemas/solvimon-integration.schema.json)
already mirrors it key for key, and the provider's tables say which variant needs which field
to become ACTIVE and which fields are secrets. The default e-invoicing mandates are the one
thing read from the account (GET /v1/integrations/e-invoicing/default-mandates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reconciler.config.schema import load_schema
from reconciler.errors import ApiError, ConfigError, NotFoundError
from reconciler.providers.discovery import (
    AssetReport,
    FieldInfo,
    GroupInfo,
    Listing,
    NoAssets,
    SiteInfo,
    Table,
)
from reconciler.providers.solvimon.catalog_checks import REQUIRED_TO_ACTIVATE
from reconciler.providers.solvimon.descriptor import KIND, PROVIDER
from reconciler.providers.solvimon.fields import TYPE_OBJECTS, VARIANTS, is_secret

if TYPE_CHECKING:
    from reconciler.providers.solvimon.provider import SolvimonProvider

SCHEMA = "solvimon-integration.schema.json"
MANDATES = "default e-invoicing mandates"
_KINDS = {"string": "text", "boolean": "boolean", "integer": "number", "number": "number"}


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: Mapping[str, Any] = load_schema(SCHEMA)["$defs"][ref.rsplit("/", 1)[1]]
        return resolved
    return node


def _is_secret_ref(node: Mapping[str, Any]) -> bool:
    return str(node.get("$ref", "")).endswith("/secretRef")


def _is_object(node: Mapping[str, Any]) -> bool:
    if _is_secret_ref(node):
        return False
    return _resolve(node).get("type") == "object" and "properties" in _resolve(node)


def _field(key: str, node: Mapping[str, Any], path: tuple[str, ...], needed: set[str]) -> FieldInfo:
    target = _resolve(node)
    kind = target.get("type")
    values = tuple(str(v) for v in target.get("enum") or ())
    shown = "select" if values else _KINDS.get(str(kind), "list" if kind == "array" else "object")
    if _is_secret_ref(node):
        shown = "secret"
    dotted = ".".join((*path, key))
    return FieldInfo(
        id=key,
        type=shown,
        required=dotted in needed,
        multiple=kind == "array",
        values=values,
        secret=is_secret((*path, key)),
        description=" ".join(
            str(node.get("description") or target.get("description") or "").split()
        ),
    )


def _groups(
    key: str, node: Mapping[str, Any], path: tuple[str, ...], needed: set[str]
) -> list[GroupInfo]:
    """The object at ``path`` as a group of its plain fields, then its sub-objects in turn."""
    target = _resolve(node)
    props: Mapping[str, Any] = target.get("properties") or {}
    plain = [_field(k, v, path, needed) for k, v in props.items() if not _is_object(v)]
    dotted = ".".join(path)
    head = GroupInfo(
        id=dotted,
        role="object",
        required=any(n.startswith(dotted + ".") for n in needed),
        description=" ".join(str(node.get("description") or "").split()),
        fields=tuple(plain),
    )
    out = [head] if plain or not props else []
    for sub, value in props.items():
        if _is_object(value):
            out += _groups(sub, value, (*path, sub), needed)
    return out


def type_info(kind: str) -> SiteInfo:
    """One Solvimon integration type: its authentication and type object, field by field."""
    schema = load_schema(SCHEMA)
    key = TYPE_OBJECTS[kind]
    variant_key, variants = VARIANTS[key]
    needed: set[str] = set()
    notes = []
    for variant in variants:
        paths = REQUIRED_TO_ACTIVATE.get((kind, variant), ())
        needed.update(paths)
        notes.append(
            f"to activate with {variant_key} {variant}: "
            + (", ".join(paths) if paths else "nothing more")
        )
    groups = _groups(key, schema["properties"][key], (key,), needed)
    groups += _groups(
        "authentication", schema["properties"]["authentication"], ("authentication",), needed
    )
    groups = [g for g in groups if g.fields]
    return SiteInfo(
        provider=PROVIDER,
        id=kind,
        name=key,
        type=kind,
        description=" ".join(str(schema["properties"][key].get("description") or "").split()),
        needs_credentials=any(p.startswith("authentication.") for p in needed),
        needs_options=any(not p.startswith("authentication.") for p in needed),
        has_options=True,
        groups=tuple(groups),
        notes=tuple(notes),
    )


def _format_name(file_format: Any) -> str:
    """An EInvoiceFileFormat is an object ({type, description}); its type names it."""
    if isinstance(file_format, Mapping):
        return str(file_format.get("type") or "?")
    return str(file_format)


def mandates_table(rows: Sequence[Mapping[str, Any]] | None, note: str = "") -> Table:
    columns = ("NAME", "COUNTRY", "FILE FORMATS")
    if rows is None:
        return Table("default_mandates", MANDATES, columns, available=False, note=note)
    return Table(
        "default_mandates",
        MANDATES,
        columns,
        tuple(
            (
                str(m.get("name") or ""),
                str(m.get("country") or "-"),
                ", ".join(_format_name(f) for f in m.get("supported_file_formats") or []) or "-",
            )
            for m in rows
        ),
        note=note,
    )


class SolvimonDiscovery:
    """Read-only discovery over one Solvimon account."""

    def __init__(self, provider: SolvimonProvider):
        self.provider = provider

    def listing(self) -> Listing:
        return Listing(PROVIDER, tuple(type_info(k) for k in TYPE_OBJECTS), (self._mandates(),))

    def _mandates(self) -> Table:
        try:
            rows = self.provider.client.default_mandates()
        except NotFoundError:
            return mandates_table(
                None,
                "this API does not offer GET /v1/integrations/e-invoicing/default-mandates "
                "(HTTP 404); the types above need no API call",
            )
        except ApiError as exc:
            return mandates_table(None, f"could not be read: {exc}")
        return mandates_table(rows)

    def describe(self, reference: str) -> SiteInfo:
        wanted = reference.upper().replace("-", "_")
        by_object = {v: k for k, v in TYPE_OBJECTS.items()}
        kind = wanted if wanted in TYPE_OBJECTS else by_object.get(reference)
        if kind is None:
            raise ConfigError(
                f"solvimon: unknown integration type {reference!r} (types: "
                f"{', '.join(TYPE_OBJECTS)})"
            )
        return type_info(kind)

    def starter(self, site: SiteInfo) -> str:
        return starter_yaml(site)

    def assets(self, reference: str) -> AssetReport:
        raise NoAssets(
            "solvimon: integrations have no account assets to choose from; "
            "'reconciler catalog --provider solvimon' shows the types and their fields"
        )


def starter_yaml(site: SiteInfo) -> str:
    """A document of type ``site.id``: created DRAFT, what to set listed in comments."""
    key = site.name
    variant_key, variants = VARIANTS[key]
    reference = key.replace("_", "-")
    lines = [
        f"# A starter for a Solvimon {site.id} integration.",
        "# Choose what the comments ask, then: reconciler validate FILE --live, reconciler plan "
        "FILE",
        f"kind: {KIND}",
        f"reference: {reference}  # choose: unique in the account, no spaces (matched by it)",
        f"name: {key.replace('_', ' ').title()}  # choose",
        "# description: what it is for",
        f"type: {site.id}",
        "# status: ACTIVE  # created DRAFT; activate once the fields below are set",
        f"# {key}:",
        f"#   {variant_key}: CHOOSE  # one of: {', '.join(variants)}",
    ]
    for note in site.notes:
        lines.append(f"#   ({note})")
    opened: list[str] = [key]
    for group in site.groups:
        parts = group.id.split(".")
        for depth, part in enumerate(parts):
            if len(opened) > depth and opened[depth] == part:
                continue
            del opened[depth:]
            opened.append(part)
            lines.append(f"# {'  ' * depth}{part}:")
        pad = "  " * len(parts)
        for f in group.fields:
            if group.id == key and f.id == variant_key:
                continue
            value = "{env: NAME}" if f.secret else ("CHOOSE" if f.values else '""')
            what = f"one of: {', '.join(f.values)}" if f.values else f.type
            need = "needed to activate" if f.required else "optional"
            lines.append(f"# {pad}{f.id}: {value}  # {what}, {need}")
    return "\n".join(lines) + "\n"
