"""The made-up ``widget`` provider plugin of the plugin tests, installed as pip leaves one.

Why shared: tests/providers/test_plugins.py (a kind of its own) and test_plugin_seam.py (a whole
provider) install the same package with the same descriptor; only the rest of the module and
the schema differ.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any


def descriptor(secret_roots: str = "frozenset()") -> str:
    """The plugin module's imports and DESCRIPTOR (``widget/Thing``, parsed by ``parse``)."""
    return f"""
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.model import Document
from reconciler.providers.descriptor import KindDescriptor, ProviderDescriptor

DESCRIPTOR = ProviderDescriptor(
    name="widget",
    kinds=(
        KindDescriptor(
            kind="widget/Thing",
            schema=str(Path(__file__).with_name("thing.schema.json")),
            parser="widgetprov:parse",
            secret_roots={secret_roots},
        ),
    ),
    target="widgetprov:WidgetProvider",
    env_url="WIDGET_API_URL",
    env_key="WIDGET_API_KEY",
    default_url="https://api.widget.example",
    auth_header="x-widget-key",
)
"""


def install(
    site: Path, module: str, schema: dict[str, Any], entry: str = "widgetprov:DESCRIPTOR"
) -> None:
    """Package ``widgetprov`` (``module`` as its __init__) with a dist-info entry point."""
    package = site / "widgetprov"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(module), encoding="utf-8")
    (package / "thing.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    info = site / "widgetprov-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: widgetprov\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[reconciler.providers]\nwidget = {entry}\n")
