"""The README documents every command and option, and its two commands are what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from reconciler import exitcodes
from reconciler.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Options may be documented in docs/*.md, which the README links (helpers write there).
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("docs/*.md")))


def code_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_the_two_commands_come_first_and_ci_runs_the_second():
    first, second = code_blocks(README)[:2]
    assert first == (
        "python3 -m pip install . && python3 -m reconciler plan examples/integrations --sandbox"
    )
    assert second == "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert second in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", command.commands[sub]) for sub in command.commands]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: getattr(v, "name", v))
def test_every_command_and_option_is_documented(name, command):
    # A new command may be documented in docs/*.md until the lead links it from the README.
    assert f"reconciler {name}" in DOCS or f"`{name.split()[-1]}`" in README, name
    for param in command.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--") and option not in ("--help",):
                assert option in DOCS, f"{option} of 'reconciler {name}' is not in README.md"


def test_exit_code_table_matches_the_code():
    for code, _meaning in exitcodes.TABLE:
        assert re.search(rf"^\| {code} \|", README, flags=re.M), code
