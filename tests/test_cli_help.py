"""``reconciler --help`` lists every command exactly as click would, without importing them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from reconciler.cli import COMMANDS, SUMMARIES, LazyGroup, cli


def test_every_command_has_its_summary_word_for_word():
    ctx = click.Context(cli)
    for name in COMMANDS:
        assert name in SUMMARIES, f"add {name!r} to SUMMARIES in reconciler/cli/__init__.py"
        command = cli.get_command(ctx, name)
        assert command is not None and command.help
        first_paragraph = " ".join(command.help.split("\n\n")[0].split())
        assert SUMMARIES[name] == first_paragraph, f"SUMMARIES[{name!r}] is stale"


@pytest.mark.parametrize("width", [60, 80, 200])
def test_help_lists_commands_as_click_would(width):
    def commands_section(format_commands):
        ctx = click.Context(cli, terminal_width=width)
        formatter = ctx.make_formatter()
        format_commands(cli, ctx, formatter)
        return formatter.getvalue()

    ours = commands_section(LazyGroup.format_commands)
    clicks = commands_section(click.Group.format_commands)
    assert ours == clicks
    assert all(name in ours for name in COMMANDS)


def test_help_imports_no_command():
    probe = (
        "import sys\n"
        "from reconciler.cli import COMMANDS, run\n"
        "assert run(['--help']) == 0\n"
        "modules = [target.partition(':')[0] for target in COMMANDS.values()]\n"
        "print([m for m in [*modules, 'httpx', 'jsonschema', 'aiohttp'] if m in sys.modules])\n"
    )
    root = str(Path(__file__).resolve().parents[1])  # this checkout, whatever is installed
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    answer = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    assert answer.stdout.strip().splitlines()[-1] == "[]"
