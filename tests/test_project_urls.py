"""One repository constant (reconciler/project.py); schemas, pyproject and modelines agree.

Why a test: a release bump or a fork changes REPOSITORY or the version in one place, and this
says exactly which file still names the old one.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from reconciler import __version__
from reconciler.cli import run
from reconciler.config import schema
from reconciler.project import REPOSITORY, project_urls, release_tag, schema_url

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11+")
ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_canonical_repository() -> None:
    assert REPOSITORY == "https://github.com/integration-reconciler/reconciler"
    assert release_tag() == f"v{__version__}"
    assert schema_url("plan.schema.json") == (
        "https://raw.githubusercontent.com/integration-reconciler/reconciler/"
        f"v{__version__}/schemas/plan.schema.json"
    )


@pytest.mark.parametrize("path", sorted((ROOT / "schemas").glob("*.json")), ids=lambda p: p.name)
def test_every_schema_has_its_stable_url_as_id(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["$id"] == schema_url(path.name), f"set $id in schemas/{path.name}"


def test_pyproject_version_and_urls_come_from_the_package() -> None:
    assert PYPROJECT["project"]["version"] == __version__
    assert PYPROJECT["project"]["urls"] == project_urls()
    assert project_urls() == {
        "Homepage": REPOSITORY,
        "Repository": REPOSITORY,
        "Issues": f"{REPOSITORY}/issues",
        "Changelog": f"{REPOSITORY}/releases",
    }


def test_validation_resolves_schemas_locally_without_network(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``$id`` is a URL, but run-time validation never fetches it: no socket is opened."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    schema.validator.cache_clear()  # compile the schemas again, under the guard
    schema.load_schema.cache_clear()
    code = run(["validate", str(ROOT / "examples" / "integrations")])
    out, err = capsys.readouterr()
    assert (code, err, attempts) == (0, "", [])
    assert out == "ok: 11 integration(s) in 9 file(s) are valid (schema checks)\n"


def test_the_hook_snippet_names_the_repository_and_this_release_tag() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert f"#   - repo: {REPOSITORY}\n" in text
    assert f"#     rev: {release_tag()}   " in text
