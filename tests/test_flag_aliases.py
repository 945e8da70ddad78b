"""Renamed options: the new spelling is shown and works; the old one still works, unshown.

The table of renames is docs/adoption.md ("Renamed flags").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import cli, create_live

from reconciler.cli import run
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.store import Store

RENAMES = [  # (command, new, old)
    (["sandbox", "serve"], "--sandbox-db", "--db"),
    (["sandbox", "reset"], "--sandbox-db", "--db"),
    (["import"], "--out-dir", "--out"),
    (["import"], "--overwrite", "--force"),
]


@pytest.mark.parametrize(("command", "new", "old"), RENAMES)
def test_help_shows_only_the_new_spelling(command, new, old, capsys) -> None:
    assert run([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"  {new}" in out
    assert f"{old} " not in out.replace(f"{new} ", "") and f"{old}," not in out


@pytest.mark.parametrize("flag", ["--sandbox-db", "--db"])
def test_sandbox_reset_accepts_both_spellings(flag, tmp_path: Path, capsys) -> None:
    db = tmp_path / f"{flag.strip('-')}.db"
    store = Store(db)
    store.close()
    assert run(["sandbox", "reset", flag, str(db)]) == 0
    assert capsys.readouterr().out == f"sandbox database reset: {db}\n"


@pytest.mark.parametrize(("out_flag", "overwrite_flag"), [
    ("--out-dir", "--overwrite"),
    ("--out", "--force"),
])  # fmt: skip
def test_import_accepts_both_spellings(
    out_flag, overwrite_flag, sandbox, tmp_path, capsys, monkeypatch
) -> None:
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    out = tmp_path / "imported"
    code, _, err = cli(capsys, monkeypatch, sandbox, "import", out_flag, str(out))
    assert (code, err) == (0, ""), err
    assert sorted(p.name for p in out.iterdir()) == ["tracking.yaml"]
    code, _, err = cli(capsys, monkeypatch, sandbox, "import", out_flag, str(out))
    assert code == 1
    assert "(pass --overwrite to replace them, or choose another --out-dir)" in err
    code, _, err = cli(capsys, monkeypatch, sandbox, "import", out_flag, str(out), overwrite_flag)
    assert (code, err) == (0, "")
