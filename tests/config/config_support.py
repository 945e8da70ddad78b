"""Test support for the config tests: fixture paths, and live Get bodies shaped like RevCent's.

Live bodies follow GetUserThirdPartyIntegration (seed 003), built from the sandbox catalog as
the vendor shows them: asset selects list ``catalog.assets_for`` only once credentials are saved.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reconciler.sandbox.revcent import catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "config"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "integrations"


def run_python(code: str, *args: str) -> str:
    """What a fresh interpreter running ``code`` prints (for what a run imports: this process
    has imported everything already)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def live_get(
    name: str,
    site_id: str,
    *,
    integration_id: str = "UserIntegration00001",
    saved: Mapping[str, str] | None = None,
    options_saved: Mapping[str, Mapping[str, list[str]]] | None = None,
    enabled: bool = False,
) -> dict[str, Any]:
    """A GetUserThirdPartyIntegration body; ``saved`` are the saved credential field values."""
    site = copy.deepcopy(catalog.site_integration(site_id))
    assert site is not None, site_id
    for option in site["third_party_options"]:
        for field in option["fields"]:
            settings = field.get("select_settings")
            if settings and settings["third_party_asset"]:
                settings["options"] = (
                    catalog.assets_for(site_id, option["id"], field["id"], dict(saved))
                    if saved is not None
                    else []
                )
    return {
        "api_call_id": "ApiCall0000000000001",
        "api_call_unix": 1_760_000_000,
        "code": 1,
        "id": integration_id,
        "name": name,
        "description": "",
        "enabled": enabled,
        "third_party_credentials_saved": (
            [site["third_party_credentials"]["id"]] if saved is not None else []
        ),
        "third_party_options_saved": [
            {"id": option_id, "fields": [{"id": f, "value": list(v)} for f, v in fields.items()]}
            for option_id, fields in (options_saved or {}).items()
        ],
        "site_third_party_integration": site,
    }
