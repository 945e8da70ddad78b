"""Discovery answers (catalog listings, one entry, an integration's assets) as text or Markdown.

Why pure functions of the neutral values: ``reconciler catalog`` and ``reconciler assets`` show
every vendor the same way; JSON is ``to_data`` of the same values, so all forms agree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reconciler.providers.discovery import (
    AssetField,
    AssetReport,
    FieldInfo,
    GroupInfo,
    Listing,
    SiteInfo,
    Table,
    to_data,
)
from reconciler.render.markdown import escape

FORMAT_VERSION = 1


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


# -- JSON ------------------------------------------------------------------------------------


def render_json(what: str, items: Sequence[Any]) -> str:
    """``{"format_version", what: [...]}``: one list whatever the number of providers."""
    data = {"format_version": FORMAT_VERSION, what: [to_data(i) for i in items]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- text ------------------------------------------------------------------------------------


def listing_text(listings: Sequence[Listing]) -> str:
    lines: list[str] = []
    for listing in listings:
        lines.append(f"{listing.provider}: {len(listing.entries)} available")
        rows = [("ID", "NAME", "TYPE", "CREDENTIALS", "OPTIONS")]
        rows += [
            (e.id, e.name, e.type or "-", yes(e.needs_credentials), _options_word(e))
            for e in listing.entries
        ]
        lines += _columns(rows, indent="  ")
        for table in listing.tables:
            lines.append("")
            lines += _table_text(table)
        lines += [f"  note: {n}" for n in listing.notes]
        lines.append("")
    lines.append("Details: reconciler catalog SITE (name or id); a starter file: add --yaml.")
    return "\n".join(lines) + "\n"


def _options_word(entry: SiteInfo) -> str:
    if entry.needs_options:
        return "required"
    return "optional" if entry.has_options else "none"


def _table_text(table: Table) -> list[str]:
    lines = [f"  {table.title}:"]
    if not table.available:
        return [*lines, f"    ({table.note})"]
    if not table.rows:
        return [*lines, "    (none)"]
    lines += _columns([table.columns, *table.rows], indent="    ")
    if table.note:
        lines.append(f"    note: {table.note}")
    return lines


def site_text(site: SiteInfo) -> str:
    lines = [
        f"{site.provider}: {site.name} ({site.id})",
        f"  type: {site.type or '(none)'}",
    ]
    if site.description:
        lines.append(f"  description: {site.description}")
    lines.append(f"  credentials needed: {yes(site.needs_credentials)}")
    lines.append(f"  options: {_options_word(site)}")
    lines += [f"  note: {n}" for n in site.notes]
    for group in site.groups:
        lines.append("")
        lines.append(_group_head(group))
        if group.description:
            lines.append(f"    {group.description}")
        for f in group.fields:
            lines.append(f"    - {f.id}  {_field_words(f)}")
    return "\n".join(lines) + "\n"


def _group_head(group: GroupInfo) -> str:
    label = {"credentials": "credentials", "option": "option", "object": "object"}[group.role]
    need = "required" if group.required else "optional"
    name = f" ({group.name})" if group.name and group.name != group.id else ""
    return f"  {label} {group.id}{name}, {need}:"


def _field_words(f: FieldInfo) -> str:
    words = [f.type, "required" if f.required else "optional"]
    if f.multiple:
        words.append("multiple")
    if f.secret and f.type != "secret":
        words.append("secret")
    if f.asset:
        words.append("values: account assets")
    elif f.values:
        words.append("values: " + ", ".join(f.values))
    text = ", ".join(words)
    name = f" {f.name}:" if f.name and f.name != f.id else ""
    tail = f" — {f.description}" if f.description else ""
    return f"{name} {text}{tail}".strip()


def assets_text(report: AssetReport) -> str:
    state = {True: "enabled", False: "disabled", None: "enabled unknown"}[report.enabled]
    lines = [
        f"{report.provider}: {report.name} ({report.id})",
        f"  site integration: {report.site_name} ({report.site_id}), type "
        f"{report.type or '(none)'}, {state}",
    ]
    if report.credential_id:
        saved = "saved" if report.credentials_saved else "NOT saved"
        lines.append(f"  credentials {report.credential_id}: {saved}")
    if not report.fields:
        lines.append("  options: none")
    for f in report.fields:
        lines.append("")
        lines.append(f"  options.{f.option_id}.{f.field_id}  ({_asset_words(f)})")
        lines += _values_text(f)
    lines += [f"  note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def _asset_words(f: AssetField) -> str:
    source = "account asset" if f.asset else ("static select" if f.type == "select" else "input")
    words = [source, "required" if f.required else "optional"]
    words.append("multiple" if f.multiple else "one value")
    return ", ".join(words)


def _values_text(f: AssetField) -> list[str]:
    if f.type != "select":
        return [f"    saved: {', '.join(f.saved) if f.saved else '(none)'}"]
    if f.offered is None:
        lines = ["    offered: (unknown until the credentials are saved)"]
        return [*lines, f"    saved: {', '.join(f.saved) if f.saved else '(none)'}"]
    lines = [f"    {'*' if v in f.saved else ' '} {v}" for v in f.offered]
    lines += [f"    ! {v}  (saved, no longer offered)" for v in f.stale]
    if not f.offered:
        lines.insert(0, "    offered: (none)")
    if not f.saved:
        lines.append("    saved: (none)")
    return lines


def _columns(rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        (indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))).rstrip()
        for r in rows
    ]


# -- Markdown --------------------------------------------------------------------------------


def listing_markdown(listings: Sequence[Listing]) -> str:
    out: list[str] = []
    for listing in listings:
        out += [f"### {listing.provider}: {len(listing.entries)} available", ""]
        out += ["| ID | Name | Type | Credentials | Options |", "|---|---|---|---|---|"]
        out += [
            f"| `{e.id}` | {escape(e.name)} | {escape(e.type or '-')} "
            f"| {yes(e.needs_credentials)} | {_options_word(e)} |"
            for e in listing.entries
        ]
        out.append("")
        for table in listing.tables:
            out += [f"**{escape(table.title)}**", ""]
            if not table.available:
                out += [f"_{escape(table.note)}_", ""]
                continue
            out.append("| " + " | ".join(escape(c) for c in table.columns) + " |")
            out.append("|" + "---|" * len(table.columns))
            out += ["| " + " | ".join(escape(c) for c in row) + " |" for row in table.rows]
            out.append("")
        out += [f"_Note: {escape(n)}_\n" for n in listing.notes]
    return "\n".join(out)


def site_markdown(site: SiteInfo) -> str:
    out = [
        f"### {site.provider}: {escape(site.name)} (`{site.id}`)",
        "",
        f"- type: {escape(site.type or '(none)')}",
        f"- credentials needed: {yes(site.needs_credentials)}",
        f"- options: {_options_word(site)}",
    ]
    if site.description:
        out.insert(2, escape(site.description) + "\n")
    out += [f"- note: {escape(n)}" for n in site.notes]
    out.append("")
    for group in site.groups:
        out += [f"**{escape(_group_head(group).strip())}**", ""]
        out += ["| Field | Name | Type | Required | Multiple | Values |", "|---|" * 6]
        for f in group.fields:
            values = "account assets" if f.asset else ", ".join(f.values) or "—"
            if f.secret:
                values = "secret"
            out.append(
                f"| `{f.id}` | {escape(f.name)} | {f.type} | {yes(f.required)} "
                f"| {yes(f.multiple)} | {escape(values)} |"
            )
        out.append("")
    return "\n".join(out)


def assets_markdown(report: AssetReport) -> str:
    out = [
        f"### {report.provider}: {escape(report.name)} (`{report.id}`)",
        "",
        f"Site integration {escape(report.site_name)} (`{report.site_id}`), type "
        f"{escape(report.type or '(none)')}, enabled: "
        f"{ {True: 'yes', False: 'no', None: 'unknown'}[report.enabled] }.",
        "",
    ]
    if report.credential_id:
        saved = "saved" if report.credentials_saved else "not saved"
        out += [f"Credentials `{report.credential_id}`: {saved}.", ""]
    out += ["| Field | Source | Offered | Saved |", "|---|---|---|---|"]
    for f in report.fields:
        offered = "unknown until credentials are saved" if f.offered is None else ""
        if f.offered is not None:
            offered = ", ".join(f.offered) if f.type == "select" else "(input)"
        out.append(
            f"| `{f.option_id}.{f.field_id}` | {_asset_words(f)} | {escape(offered or '(none)')} "
            f"| {escape(', '.join(f.saved) or '(none)')} |"
        )
    out.append("")
    out += [f"_Note: {escape(n)}_\n" for n in report.notes]
    return "\n".join(out)
