"""The GitHub Action's scripts, run locally as the runner would, against the real sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TAXJAR = (
    "kind: revcent/UserThirdPartyIntegration\nname: Action tax\n"
    "site_integration: SiteTaxJarTax0000000\nenabled: false\n"
    "credentials: {id: taxjar_credentials, fields: {api_token: {env: TJ_TOKEN}}}\n"
)


def _account(tmp_path: Path) -> Path:
    directory = tmp_path / "accounts" / "live"
    directory.mkdir(parents=True)
    (directory / "tj.yaml").write_text(TAXJAR)
    return directory


def _run_action(
    sandbox: Any, tmp_path: Path, command: str, paths: str, *, args: str = ""
) -> tuple[dict[str, str], str, subprocess.CompletedProcess[str]]:
    output, summary = tmp_path / "output", tmp_path / "summary"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REVCENT_API_KEY": sandbox.api_key,
        "REVCENT_API_URL": sandbox.url,
        "SOLVIMON_API_KEY": sandbox.api_key,
        "SOLVIMON_API_URL": sandbox.url,
        "NO_COLOR": "1",
        "INPUT_COMMAND": command,
        "INPUT_PATHS": paths,
        "INPUT_ACCOUNT": "live",
        "INPUT_FORMAT": "markdown",
        "INPUT_ARGS": args,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    done = subprocess.run(
        ["bash", str(ROOT / "action" / "run.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    return outputs, summary.read_text(encoding="utf-8"), done


def test_plan_step_sets_outputs_and_summary(sandbox: Any, tmp_path: Path) -> None:
    outputs, summary, done = _run_action(sandbox, tmp_path, "plan", str(_account(tmp_path)))
    assert outputs["exitcode"] == "2", done.stderr
    plan = json.loads((tmp_path / "reconciler-live" / "plan.json").read_text(encoding="utf-8"))
    counts = plan["summary"]
    assert outputs["changes"] == str(counts["create"] + counts["update"])
    assert outputs["changes"] == "1"
    markdown = Path(outputs["markdown"]).read_text(encoding="utf-8")
    assert markdown.startswith("#")
    assert "**reconciler plan, account `live`** (exit 2)" in summary
    assert markdown in summary


def test_failed_step_reports_the_error_not_a_stale_plan(sandbox: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("kind: revcent/UserThirdPartyIntegration\nname: [\n")
    outputs, _, _ = _run_action(sandbox, tmp_path, "plan", str(bad))
    assert outputs["exitcode"] == "1"
    markdown = Path(outputs["markdown"]).read_text(encoding="utf-8")
    assert markdown.startswith("### reconciler plan failed (exit 1)")
    assert "x.yaml:" in markdown


def test_apply_then_drift_is_clean(sandbox: Any, tmp_path: Path) -> None:
    directory = _account(tmp_path)
    os.environ["TJ_TOKEN"] = "tj-action-canary"
    try:
        outputs, _, done = _run_action(sandbox, tmp_path, "apply", str(directory))
        assert outputs["exitcode"] == "0", done.stdout + done.stderr
        outputs, _, _ = _run_action(sandbox, tmp_path, "drift", str(directory))
        assert outputs["exitcode"] == "0"
        assert "tj-action-canary" not in done.stdout + done.stderr
    finally:
        del os.environ["TJ_TOKEN"]


@pytest.mark.parametrize(
    ("code", "command", "fail_on_changes", "expected"),
    [
        ("0", "plan", "false", 0),
        ("2", "plan", "false", 0),
        ("2", "plan", "true", 2),
        ("2", "drift", "false", 0),
        ("1", "plan", "false", 1),
        ("4", "apply", "false", 4),
        ("", "plan", "false", 1),
    ],
)
def test_result_step_exit_code(
    code: str, command: str, fail_on_changes: str, expected: int
) -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "action" / "result.sh")],
        env={
            "EXITCODE": code,
            "COMMAND": command,
            "FAIL_ON_CHANGES": fail_on_changes,
            "PATH": os.environ.get("PATH", ""),
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == expected, done.stdout


def test_accounts_lists_account_directories(tmp_path: Path) -> None:
    for name in ("live", "test/nested", ".hidden", "empty"):
        (tmp_path / "accounts" / name).mkdir(parents=True)
    (tmp_path / "accounts" / "live" / "a.yaml").write_text("kind: x\n")
    (tmp_path / "accounts" / "test" / "nested" / "b.yml").write_text("kind: x\n")
    (tmp_path / "accounts" / ".hidden" / "c.yaml").write_text("kind: x\n")
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "accounts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["live", "test"]
