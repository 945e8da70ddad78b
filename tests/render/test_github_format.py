"""``--format github``: workflow commands that annotate the YAML lines, safely escaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import make_plan, write_yaml

from reconciler.errors import Problem
from reconciler.render.github import (
    command,
    render_plan_github,
    render_problems_github,
    split_source,
)


def test_messages_cannot_end_or_forge_a_command() -> None:
    line = command("error", "bad\n::error::forged 100%", file="a,b:c.yaml", line=3, col=2)
    assert line == (
        "::error file=a%2Cb%3Ac.yaml,line=3,col=2,title=reconciler::bad%0A::error::forged 100%25"
    )
    assert "\n" not in line


def test_problems_become_errors_and_notes_notices() -> None:
    problems = [
        Problem("x/b.yaml", 7, 3, "unknown option 'nope'", hint="use one of: company"),
        Problem("x/a.yaml", 2, 1, "assets not checked yet", severity="note"),
    ]
    assert render_problems_github(problems) == (
        "::notice file=x/a.yaml,line=2,col=1,title=reconciler::assets not checked yet\n"
        "::error file=x/b.yaml,line=7,col=3,title=reconciler::unknown option 'nope' "
        "(use one of: company)\n"
    )


def test_split_source() -> None:
    assert split_source("dir/a.yaml:12") == ("dir/a.yaml", 12)
    assert split_source("dir/a.yaml") == ("dir/a.yaml", 0)


def test_plan_annotates_each_change_on_its_document(sandbox: Any, tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        "tj.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: Annotated tax
        site_integration: SiteTaxJarTax0000000
        enabled: false
        credentials: {id: taxjar_credentials, fields: {api_token: {env: TJ}}}
    """,
    )
    text = render_plan_github(make_plan(sandbox, path))
    lines = text.splitlines()
    assert lines[0].startswith(
        f"::warning file={str(path).replace(':', '%3A')},line=1,title=reconciler plan%3A create::"
        "create Annotated tax: "
    )
    assert lines[-1] == (
        "::notice title=reconciler plan::1 to create, 0 to update, 0 unchanged, 0 unmanaged"
    )


def test_workspace_path() -> None:
    from reconciler.render.github import workspace_path

    assert workspace_path("a/b.yaml", workspace="/repo", cwd="/repo/sub") == "sub/a/b.yaml"
    assert workspace_path("/repo/x.yaml", workspace="/repo", cwd="/elsewhere") == "x.yaml"
    assert workspace_path("/other/x.yaml", workspace="/repo", cwd="/repo") == "/other/x.yaml"
    assert workspace_path("x.yaml", workspace=None, cwd="/repo") == "x.yaml"
