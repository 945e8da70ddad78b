"""Canary secrets never appear in what ``drift`` and ``import`` print or write.

The base canary test (tests/test_secret_canaries.py) covers validate, plan and apply in every
format; these two commands came later. The canaries are first really sent (apply rotates the
credentials), so the sandbox holds them and any leak through a read would show.
"""

from __future__ import annotations

import pytest
from helpers import cli, create_live, edit, write_yaml

from reconciler.redaction import forget_all
from reconciler.sandbox.revcent import catalog

pytestmark = pytest.mark.reliability

CANARY_ENV = "canary-env-3e1f77"
CANARY_FILE = "canary-file-b09c42"


@pytest.fixture(autouse=True)
def _forget() -> None:
    forget_all()


def test_drift_and_import_never_show_a_secret(sandbox, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    secret = tmp_path / "secrets" / "api_secret"
    secret.parent.mkdir()
    secret.write_text(CANARY_FILE + "\n")
    live_id = create_live(
        sandbox,
        "Canary Ship",
        catalog.SHIPSTATION,
        description="old",
        credentials={"api_key": "x", "api_secret": "y"},
        credential_id="shipstation_credentials",
    )
    path = write_yaml(
        tmp_path,
        "integrations/ship.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: Canary Ship
        site_integration: ShipStation
        description: Managed.
        credentials:
          id: shipstation_credentials
          fields:
            api_key: {{env: CANARY_KEY}}
            api_secret: {{file: {secret}}}
        """,
    )
    env = {"CANARY_KEY": CANARY_ENV}
    seen: list[str] = []

    def run(*args: str) -> int:
        code, out, err = cli(capsys, monkeypatch, sandbox, *args, env=env)
        seen.extend([out, err])
        return code

    assert run("apply", str(path), "--auto-approve", "--rotate-credentials", "all") == 0
    for fmt in ("text", "json", "markdown"):
        assert run("drift", str(path), "--format", fmt) == 0
    edit(sandbox, live_id, {"description": "changed by hand"})
    for fmt in ("text", "json", "markdown"):
        assert run("drift", str(path), "--format", fmt, "--fail-on-unmanaged") == 2
    assert run("import", "--out", str(tmp_path / "imported")) == 0
    assert run("plan", str(tmp_path / "imported"), "--detailed-exitcode") == 0

    files = [  # the sandbox's database holds the secrets, as RevCent does: not ours to scan
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and "secrets" not in p.parts and not p.name.startswith("sandbox.db")
    ]
    assert any(p.parent.name == "imported" for p in files)
    everything = "\n".join(seen + [p.read_text(errors="replace") for p in files])
    for canary in (CANARY_ENV, CANARY_FILE):
        assert canary not in everything
