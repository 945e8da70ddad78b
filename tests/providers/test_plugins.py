"""A third-party provider plugs in with one entry point: no change to the core.

The plugin is a real package on ``PYTHONPATH`` with a ``.dist-info`` declaring the entry point
(exactly what ``pip install`` leaves), and the real CLI runs in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from widget_plugin import descriptor, install

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = (
    descriptor('frozenset({"token"})')
    + """

@dataclass
class Thing:
    key: str
    document: Document
    kind: str = "widget/Thing"
    id: str | None = None
    previously: tuple[str, ...] = field(default_factory=tuple)


def parse(document: Document) -> Thing:
    return Thing(document.data["name"], document)
"""
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "name"],
    "properties": {
        "kind": {"const": "widget/Thing"},
        "name": {"type": "string"},
        "token": {"type": "object"},
    },
}


def _install(site: Path, entry: str = "widgetprov:DESCRIPTOR") -> None:
    install(site, PLUGIN, SCHEMA, entry)


def _validate(site: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_a_plugin_kind_is_validated_by_its_own_schema(tmp_path: Path) -> None:
    _install(tmp_path / "site")
    good = tmp_path / "good.yaml"
    good.write_text("kind: widget/Thing\nname: w1\n", encoding="utf-8")
    done = _validate(tmp_path / "site", good, ROOT / "examples" / "integrations")
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: widget/Thing\nname: w2\ntoken: literal-widget-secret\n")
    done = _validate(tmp_path / "site", bad)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"{bad}:3:8: 'token' must be a mapping, not text"
    assert "literal-widget-secret" not in done.stderr  # its secret_roots are honoured


def test_unknown_kinds_list_the_plugins_kind(tmp_path: Path) -> None:
    _install(tmp_path / "site")
    other = tmp_path / "o.yaml"
    other.write_text("kind: nope/Thing\nname: x\n", encoding="utf-8")
    done = _validate(tmp_path / "site", other)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"{other}:1:7: unknown kind 'nope/Thing' (known kinds: "
        "revcent/UserThirdPartyIntegration, solvimon/Integration, widget/Thing)"
    )


def test_a_broken_plugin_is_one_clear_line(tmp_path: Path) -> None:
    _install(tmp_path / "site", entry="widgetprov:NOT_THERE")
    good = tmp_path / "good.yaml"
    good.write_text("kind: widget/Thing\nname: w1\n", encoding="utf-8")
    done = _validate(tmp_path / "site", good)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "error: provider plugin 'widget' (widgetprov:NOT_THERE) cannot be loaded: "
        "AttributeError: module 'widgetprov' has no attribute 'NOT_THERE'; reinstall or "
        "remove that package"
    )
