"""The YAML a benchmark plans: one file per live integration, matching it, with some edits.

Why generated from the sandbox's own list answers: the YAML must describe exactly what was
seeded (so the plan is mostly "unchanged", as in a real account), whatever the seeding rules
are; a fixed share of edits and creates then makes the plan non-trivial and predictable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reconciler.providers.revcent.export import export_document

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


def _dump(document: Mapping[str, Any]) -> str:
    """YAML text of a document: PyYAML quotes every string another type could be read as."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(dict(document), Dumper=dumper, sort_keys=False, allow_unicode=True)


def document(item: Mapping[str, Any], site_ref: str, *, edit: bool, toggle: bool) -> str:
    """The YAML of one live list item (the importer's own export, matched by name), optionally
    with a new description or enabled flag."""
    doc = export_document(item, site_ref)
    del doc["id"]
    if edit:
        doc["description"] = str(item.get("description") or "") + " Edited by the benchmark."
    if toggle:
        doc["enabled"] = not bool(item.get("enabled"))
    return _dump(doc)


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
        text = _dump(
            {
                "kind": KIND,
                "name": f"bench-new-{index}",
                "description": "Created by the benchmark.",
                "enabled": False,
                "site_integration": "EasyPost",
            }
        )
        (directory / f"n{index:0{width}d}.yaml").write_text(text, encoding="utf-8")
    return Workload(
        directory,
        files=len(items) + creates,
        updates=updates,
        creates=creates,
        unchanged=len(items) - updates,
    )
