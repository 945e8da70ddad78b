"""The pre-commit hook from a local clone: only the tool's documents can fail it.

Two ways: the hook's ``entry`` run exactly as pre-commit runs it (the files its ``files``/
``types`` select, passed as arguments), always; and ``pre-commit try-repo`` on this checkout
when pre-commit is installed (it builds the hook's virtualenv, so it needs the package index).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"
NOTE = (
    "accounts/live/settings.yaml:2:7: note: skipped: kind 'ConfigMap', not a reconciler "
    "document (--skip-other-kinds) (reconciler checks revcent/UserThirdPartyIntegration, "
    "solvimon/Integration)\n"
)


def _checkout(tmp_path: Path) -> Path:
    """A user's repository: one integration, a ConfigMap, a README and a YAML without kind."""
    repo = tmp_path / "user-repo"
    live = repo / "accounts" / "live"
    live.mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "integrations" / "tax-taxjar.yaml", live / "tax.yaml")
    (live / "settings.yaml").write_text(CONFIGMAP, encoding="utf-8")
    (repo / "docs.yaml").write_text("title: not under accounts/\n", encoding="utf-8")
    (repo / "accounts" / "README.md").write_text("# accounts\n", encoding="utf-8")
    return repo


def _selected(repo: Path) -> list[str]:
    """The files pre-commit passes: ``files`` matches and ``types: [yaml]``, sorted."""
    assert HOOK["types"] == ["yaml"] and HOOK["pass_filenames"] is True
    pattern = re.compile(HOOK["files"])
    found = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file())
    return [f for f in found if pattern.search(f) and f.endswith((".yaml", ".yml"))]


def _run_entry(repo: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    entry = shlex.split(HOOK["entry"])
    assert entry[:2] == ["reconciler", "validate"]
    # The console script 'reconciler' is 'python -m reconciler' of this checkout.
    argv = [sys.executable, "-m", "reconciler", *entry[1:], *files]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        argv, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_hook_skips_other_yaml_with_a_note(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    files = _selected(repo)
    assert files == ["accounts/live/settings.yaml", "accounts/live/tax.yaml"]
    done = _run_entry(repo, files)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "ok: 1 integration(s) in 1 file(s) are valid (schema checks)\n",
        NOTE,
    )


def test_the_hook_fails_on_a_broken_integration(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    tax = repo / "accounts" / "live" / "tax.yaml"
    tax.write_text(tax.read_text(encoding="utf-8") + "nope: 1\n", encoding="utf-8")
    done = _run_entry(repo, _selected(repo))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        NOTE + "accounts/live/tax.yaml:15:1: unknown key 'nope' (did you mean 'ignore'?)\n"
        "1 error(s): nothing was sent.\n"
    )


def test_plain_validate_still_fails_on_other_kinds(tmp_path: Path) -> None:
    """The default of 'reconciler validate' is unchanged: an unknown kind is an error."""
    repo = _checkout(tmp_path)
    argv = [sys.executable, "-m", "reconciler", "validate", "accounts"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    done = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == (
        "accounts/live/settings.yaml:2:7: unknown kind 'ConfigMap' (known kinds: "
        "revcent/UserThirdPartyIntegration, solvimon/Integration)\n"
        "1 error(s): nothing was sent.\n"
    )


@pytest.mark.skipif(
    shutil.which("pre-commit") is None,
    reason="pre-commit is not installed (pip install pre-commit); its try-repo builds the "
    "hook's virtualenv from the package index, so it is not in the 'test' extra",
)
def test_pre_commit_try_repo_from_this_clone(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, timeout=60)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), HOOK["id"], "--all-files", "--verbose"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^reconciler validate\.+Passed$", done.stdout, flags=re.M), done.stdout
    assert NOTE.rstrip("\n") in done.stdout
    assert "ok: 1 integration(s) in 1 file(s) are valid (schema checks)" in done.stdout
