"""Canary secrets fed through env and file references never appear in any output or file."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import cli, create_live, write_yaml

from reconciler.redaction import forget_all
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog

CANARY_ENV = "canary-env-9d1c0b7e"
CANARY_FILE = "canary-file-5a2f8e31"
CANARY_ROTATED = "canary-rotated-44aa01"


@pytest.fixture(autouse=True)
def _forget() -> None:
    forget_all()


def config(tmp_path: Path) -> Path:
    secret = tmp_path / "secrets" / "license"
    secret.parent.mkdir()
    secret.write_text(CANARY_FILE + "\n")
    return write_yaml(
        tmp_path,
        "integrations/tax.yaml",
        f"""
        kind: revcent/UserThirdPartyIntegration
        name: Canary Tax
        description: Tax.
        enabled: true
        site_integration: Avalara
        credentials:
          id: avalara_credentials
          fields:
            account_id: {{env: CANARY_ACCOUNT}}
            license_key: {{file: {secret}}}
        options:
          company:
            company_code: DEFAULT
        ---
        kind: revcent/UserThirdPartyIntegration
        name: Canary Ship
        site_integration: EasyPost
        description: rotated
        credentials:
          id: easypost_credentials
          fields:
            api_key: {{env: CANARY_ROTATED}}
    """,
    )


def test_no_command_or_format_leaks_a_secret(sandbox, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    create_live(
        sandbox,
        "Canary Ship",
        catalog.EASYPOST,
        description="old",
        credentials={"api_key": "x"},
        credential_id="easypost_credentials",
    )
    path = str(config(tmp_path))
    env = {"CANARY_ACCOUNT": CANARY_ENV, "CANARY_ROTATED": CANARY_ROTATED}
    seen: list[str] = []

    def run(*args: str) -> int:
        code, out, err = cli(capsys, monkeypatch, sandbox, *args, env=env)
        seen.extend([out, err])
        return code

    assert run("validate", path) == 0
    assert run("validate", path, "--live") == 0
    for fmt in ("text", "json", "markdown"):
        assert run("plan", path, "--format", fmt, "--rotate-credentials", "all") == 0
    assert run("plan", path, "--out", "plan.json", "--rotate-credentials", "Canary Ship") == 0
    assert (
        run("apply", "plan.json", "--auto-approve", "--format", "json", "--journal", "j1.jsonl")
        == 0
    )
    for fmt in ("text", "json", "markdown"):
        code = run(
            "apply",
            path,
            "--auto-approve",
            "--format",
            fmt,
            "--rotate-credentials",
            "all",
            "--journal",
            f"j-{fmt}.jsonl",
        )
        assert code == 0
    sandbox.set_faults(FaultConfig(alter_rate=1.0, error_rate=0.2, seed=1))
    assert run(
        "apply",
        path,
        "--auto-approve",
        "--rotate-credentials",
        "all",
        "--journal",
        "j-faults.jsonl",
    ) in (0, 4, 5)
    sandbox.set_faults(FaultConfig())
    monkeypatch.delenv("CANARY_ROTATED")
    code, out, err = cli(
        capsys,
        monkeypatch,
        sandbox,
        "apply",
        path,
        "--auto-approve",
        "--rotate-credentials",
        "all",
        "--journal",
        "j-missing.jsonl",
        env={"CANARY_ACCOUNT": CANARY_ENV},
    )
    seen.extend([out, err])
    # the secrets preflight (issue 11.3) refuses before the first write: exit 1, listed on stderr
    assert code == 1 and "CANARY_ROTATED, which is not set" in err

    files = [p for p in tmp_path.rglob("*") if p.is_file() and "secrets" not in p.parts]
    files = [p for p in files if p.suffix in (".json", ".jsonl", ".md", ".txt", ".yaml")]
    assert any(p.name == "plan.json" for p in files) and any(p.suffix == ".jsonl" for p in files)
    everything = "\n".join(seen + [p.read_text() for p in files])
    for canary in (CANARY_ENV, CANARY_FILE, CANARY_ROTATED):
        assert canary not in everything
    assert "(sensitive)" in everything
