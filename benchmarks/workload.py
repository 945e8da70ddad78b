"""The YAML a benchmark plans: one file per live integration, matching it, with some edits.

Why generated from the sandbox's own list answers: the YAML must describe exactly what was
seeded (so the plan is mostly "unchanged", as in a real account), whatever the seeding rules
are; a fixed share of edits and creates then makes the plan non-trivial and predictable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIND = "revcent/UserThirdPartyIntegration"
EDIT_EVERY = 10  # one integration in 10 gets a new description
TOGGLE_EVERY = 50  # one in 50 is enabled/disabled the other way
CREATE_EVERY = 100  # one new integration per 100 live ones


@dataclass(frozen=True)
class Workload:
    """What the generated YAML asks for, to check the plan the tool prints."""

    directory: Path
    files: int
    updates: int
    creates: int
    unchanged: int


def _scalar(value: Any) -> str:
    """A YAML scalar: JSON's quoted strings, numbers and booleans are valid YAML 1.2."""
    return json.dumps(value, ensure_ascii=False)


def document(item: Mapping[str, Any], site_ref: str, *, edit: bool, toggle: bool) -> str:
    """The YAML of one live list item, optionally with a new description or enabled flag."""
    site = item.get("site_third_party_integration") or {}
    multiple = {
        (option["id"], field["id"])
        for option in site.get("third_party_options") or []
        for field in option.get("fields") or []
        if (field.get("select_settings") or {}).get("multiple")
    }
    description = str(item.get("description") or "")
    if edit:
        description += " Edited by the benchmark."
    enabled = bool(item.get("enabled"))
    if toggle:
        enabled = not enabled
    lines = [
        f"kind: {KIND}",
        f"name: {_scalar(item['name'])}",
        f"description: {_scalar(description)}",
        f"enabled: {_scalar(enabled)}",
        f"site_integration: {_scalar(site_ref)}",
    ]
    saved = item.get("third_party_credentials_saved") or []
    if saved:
        lines.append(f"credentials: {{id: {_scalar(saved[0])}, external: true}}")
    options = item.get("third_party_options_saved") or []
    if options:
        lines.append("options:")
        for option in options:
            lines.append(f"  {option['id']}:")
            for field in option.get("fields") or []:
                values = list(field.get("value") or [])
                if (option["id"], field["id"]) in multiple or len(values) != 1:
                    shown = "[" + ", ".join(_scalar(v) for v in values) + "]"
                else:
                    shown = _scalar(values[0])
                lines.append(f"    {field['id']}: {shown}")
    return "\n".join(lines) + "\n"


def site_refs(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Site id -> how YAML names it: its name when unique among the sites seen, else its id."""
    names: dict[str, set[str]] = {}
    for item in items:
        site = item.get("site_third_party_integration") or {}
        names.setdefault(str(site.get("name")), set()).add(str(site.get("id")))
    return {
        site_id: name if len(ids) == 1 else site_id
        for name, ids in names.items()
        for site_id in ids
    }


def write_workload(
    items: Sequence[Mapping[str, Any]],
    directory: Path,
    *,
    edit_every: int = EDIT_EVERY,
    toggle_every: int = TOGGLE_EVERY,
    create_every: int = CREATE_EVERY,
) -> Workload:
    """One ``.yaml`` file per live item (plus the creates) under ``directory``.

    Item ``i`` gets a new description when ``i % edit_every == 0`` and its ``enabled`` flipped
    when ``i % toggle_every == 7``; one new integration is added per ``create_every`` items
    (0 turns each off).
    """
    directory.mkdir(parents=True, exist_ok=True)
    refs = site_refs(items)
    creates = len(items) // create_every if create_every else 0
    width = len(str(len(items) + creates))
    updates = 0
    for index, item in enumerate(items):
        edit = bool(edit_every) and index % edit_every == 0
        toggle = bool(toggle_every) and index % toggle_every == 7
        updates += edit or toggle
        site_id = str((item.get("site_third_party_integration") or {}).get("id"))
        text = document(item, refs[site_id], edit=edit, toggle=toggle)
        (directory / f"i{index:0{width}d}.yaml").write_text(text, encoding="utf-8")
    for index in range(creates):
        text = (
            f"kind: {KIND}\nname: {_scalar(f'bench-new-{index}')}\n"
            'description: "Created by the benchmark."\nenabled: false\n'
            "site_integration: EasyPost\n"
        )
        (directory / f"n{index:0{width}d}.yaml").write_text(text, encoding="utf-8")
    return Workload(
        directory,
        files=len(items) + creates,
        updates=updates,
        creates=creates,
        unchanged=len(items) - updates,
    )
