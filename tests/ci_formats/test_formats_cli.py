"""``--format github`` and ``validate --format json`` through the real CLI, over the sandbox.

Exact outputs: the annotation lines GitHub parses, the job summary appended to
``$GITHUB_STEP_SUMMARY``, and the exit codes, which the formats never change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import cli, create_live, write_yaml

from reconciler.sandbox.revcent import catalog

TAXJAR = """
kind: revcent/UserThirdPartyIntegration
name: Annotated tax
site_integration: SiteTaxJarTax0000000
enabled: false
credentials: {id: taxjar_credentials, fields: {api_token: {env: TJ_TOKEN}}}
"""

BAD = """
kind: revcent/UserThirdPartyIntegration
name: Broken tax
site_integration: SiteTaxJarTax0000000
enabled: false
nope: 1
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: Any) -> Path:
    """A checkout: the working directory, and GitHub's ``$GITHUB_WORKSPACE``."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("TJ_TOKEN", "tj-secret-value")
    return root


def _summary(monkeypatch: Any, tmp_path: Path, before: str = "") -> Path:
    path = tmp_path / "summary.md"
    path.write_text(before, encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    return path


def test_validate_github_errors_are_annotations_on_the_yaml_line(
    sandbox, repo, tmp_path, capsys, monkeypatch
):
    write_yaml(repo, "accounts/live/tax, eu.yaml", BAD)
    summary = _summary(monkeypatch, tmp_path, before="earlier step\n")
    code, out, err = cli(capsys, monkeypatch, sandbox, "validate", "accounts", "--format", "github")
    assert code == 1
    assert out == (
        "::error file=accounts/live/tax%2C eu.yaml,line=5,col=1,title=reconciler validate::"
        "unknown key 'nope' (did you mean 'ignore'?)\n"
    )
    assert err == "1 error(s): nothing was sent.\n"
    assert summary.read_text(encoding="utf-8") == (
        "earlier step\n"
        "### reconciler validate\n\n"
        "**1 error(s): nothing was sent.**\n\n"
        "| Where | Severity | Problem |\n"
        "| --- | --- | --- |\n"
        "| accounts/live/tax, eu.yaml:5:1 | error | unknown key 'nope' (did you mean 'ignore'?) |\n"
        "\n"
    )


def test_validate_github_absolute_paths_are_made_relative_to_the_workspace(
    sandbox, repo, capsys, monkeypatch
):
    path = write_yaml(repo, "integrations/bad.yaml", BAD)
    code, out, _ = cli(capsys, monkeypatch, sandbox, "validate", str(path), "--format", "github")
    assert code == 1
    assert out.startswith("::error file=integrations/bad.yaml,line=5,col=1,")


def test_validate_github_ok(sandbox, repo, tmp_path, capsys, monkeypatch):
    write_yaml(repo, "integrations/tax.yaml", TAXJAR)
    summary = _summary(monkeypatch, tmp_path)
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "validate", "integrations", "--format", "github"
    )
    assert (code, out, err) == (
        0,
        "ok: 1 integration(s) in 1 file(s) are valid (schema checks)\n",
        "",
    )
    assert summary.read_text(encoding="utf-8") == (
        "### reconciler validate\n\n"
        "**ok: 1 integration(s) in 1 file(s) are valid (schema checks)**\n\n"
    )


def test_validate_json_lists_every_problem(sandbox, repo, capsys, monkeypatch):
    write_yaml(repo, "integrations/bad.yaml", BAD)
    write_yaml(repo, "integrations/twin.yaml", BAD.replace("nope: 1\n", ""))
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "validate", "integrations", "--format", "json"
    )
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "format_version": 1,
        "valid": False,
        "checks": "schema",
        "files": None,
        "integrations": None,
        "counts": {"error": 2, "warning": 0, "note": 0},
        "problems": [
            {
                "file": "integrations/bad.yaml",
                "line": 5,
                "column": 1,
                "severity": "error",
                "message": "unknown key 'nope'",
                "hint": "did you mean 'ignore'?",
            },
            {
                "file": "integrations/twin.yaml",
                "line": 2,
                "column": 7,
                "severity": "error",
                "message": "duplicate name 'Broken tax': already the name at "
                "integrations/bad.yaml:2",
                "hint": "names and previous names must be unique across all files; rename one",
            },
        ],
    }


def test_validate_json_ok(sandbox, repo, capsys, monkeypatch):
    write_yaml(repo, "integrations/tax.yaml", TAXJAR)
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "validate", "integrations", "--format", "json"
    )
    assert (code, err) == (0, "")
    assert out == (
        "{\n"
        '  "format_version": 1,\n'
        '  "valid": true,\n'
        '  "checks": "schema",\n'
        '  "files": 1,\n'
        '  "integrations": 1,\n'
        '  "counts": {\n'
        '    "error": 0,\n'
        '    "warning": 0,\n'
        '    "note": 0\n'
        "  },\n"
        '  "problems": []\n'
        "}\n"
    )


def test_plan_github_annotates_changes_and_writes_the_summary(
    sandbox, repo, tmp_path, capsys, monkeypatch
):
    write_yaml(repo, "integrations/tax.yaml", TAXJAR)
    summary = _summary(monkeypatch, tmp_path)
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "plan", "integrations", "--format", "github",
        "--detailed-exitcode",
    )  # fmt: skip
    assert (code, err) == (2, "")
    assert out == (
        "::warning file=integrations/tax.yaml,line=1,title=reconciler plan%3A create::"
        "create Annotated tax: name, enabled, credentials.taxjar_credentials\n"
        "::notice title=reconciler plan::1 to create, 0 to update, 0 unchanged, 0 unmanaged\n"
    )
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(
        "### reconciler plan\n\n"
        "**1 to create, 0 to update, 0 unchanged, 0 unmanaged**\n\n"
        "| Risk | Action | Integration | Fields | Source |\n"
        "|---|---|---|---|---|\n"
        "| 🔴 high | create | Annotated tax | `name`, `enabled`, `credentials.taxjar_credentials` "
        "| `integrations/tax.yaml:1` |\n"
    )
    assert "tj-secret-value" not in out + text


def test_plan_github_unreadable_secret_is_a_warning_on_its_line(sandbox, repo, capsys, monkeypatch):
    write_yaml(repo, "integrations/tax.yaml", TAXJAR)
    monkeypatch.delenv("TJ_TOKEN")
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", "integrations", "--format", "github")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "::warning file=integrations/tax.yaml,line=5,col=59,title=reconciler plan::"
        "Annotated tax: credential field 'api_token' refers to environment variable TJ_TOKEN, "
        "which is not set (export TJ_TOKEN before running apply)"
    )
    # --require-secrets makes it an error, still on its line, with the usual exit code
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "plan", "integrations", "--format", "github",
        "--require-secrets",
    )  # fmt: skip
    assert code == 1
    assert out == (
        "::error file=integrations/tax.yaml,line=5,col=59,title=reconciler plan::"
        "Annotated tax: credential field 'api_token' refers to environment variable TJ_TOKEN, "
        "which is not set (export TJ_TOKEN before running apply)\n"
    )
    assert err == "1 error(s): nothing was sent.\n"


def test_plan_github_config_error_is_an_annotation(sandbox, repo, capsys, monkeypatch):
    write_yaml(repo, "integrations/bad.yaml", BAD)
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", "integrations", "--format", "github")
    assert code == 1
    assert out == (
        "::error file=integrations/bad.yaml,line=5,col=1,title=reconciler plan::"
        "unknown key 'nope' (did you mean 'ignore'?)\n"
    )
    assert err == "1 error(s): nothing was sent.\n"


def test_drift_github_warns_on_the_drifted_document(sandbox, repo, tmp_path, capsys, monkeypatch):
    live_id = create_live(sandbox, "Annotated tax", catalog.TAXJAR, description="Changed by hand.")
    write_yaml(
        repo,
        "integrations/tax.yaml",
        f"kind: revcent/UserThirdPartyIntegration\nname: Annotated tax\nid: {live_id}\n"
        "description: Written in YAML.\nsite_integration: SiteTaxJarTax0000000\nenabled: false\n",
    )
    summary = _summary(monkeypatch, tmp_path)
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "drift", "integrations", "--format", "github"
    )
    assert (code, err) == (2, "")
    assert out == (
        "::warning file=integrations/tax.yaml,line=1,title=reconciler drift::"
        "Annotated tax is drifted: description\n"
        "::notice title=reconciler drift::Drift: 1 drifted, 0 missing, 0 in sync, 0 unmanaged.\n"
    )
    assert summary.read_text(encoding="utf-8").startswith("### reconciler drift\n")


def test_no_summary_without_the_variable(sandbox, repo, tmp_path, capsys, monkeypatch):
    write_yaml(repo, "integrations/tax.yaml", TAXJAR)
    code, _, _ = cli(capsys, monkeypatch, sandbox, "plan", "integrations", "--format", "github")
    assert code == 0
    assert not (tmp_path / "summary.md").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".md"] == []
