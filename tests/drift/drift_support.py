"""Helpers of the drift tests: example secrets, the admin route, stable ids for golden files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers import client

from reconciler.model import secret_refs
from reconciler.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "integrations"


def example_secrets() -> dict[str, str]:
    """A canary value for every environment variable the examples refer to."""
    workspace = load_workspace([str(EXAMPLES)])
    names = {
        ref.env
        for items in workspace.desired.values()
        for item in items
        for ref in [
            *secret_refs(getattr(item, "credentials", None) and item.credentials.fields),
            *secret_refs(dict(getattr(item, "settings", {}))),  # Solvimon's secrets
        ]
        if ref.env
    }
    return {name: f"canary-{name.lower()}-d41f" for name in sorted(names)}


def forget_credentials(sandbox: Any, integration_id: str) -> None:
    """As if the provider revoked the credentials outside RevCent (sandbox-only route)."""
    with client(sandbox) as http:
        answer = http.post(f"/_sandbox/integrations/{integration_id}/forget_credentials")
        assert answer.status_code == 200, answer.text


def normalise(text: str, ids: dict[str, str], replacements: dict[str, str]) -> str:
    """``text`` with random ids named after their integration and paths made stable."""
    for real, name in ids.items():
        text = text.replace(real, f"<id {name}>")
    for real, stable in replacements.items():
        text = text.replace(real, stable)
    assert not re.search(r"\b[A-Za-z0-9]{20}\b", text.replace("SiteTaxJarTax0000000", "")), text
    return text
