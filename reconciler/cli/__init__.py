"""The ``reconciler`` command line: thin click commands over the core.

Why thin: commands parse options, call the core, print with a renderer and exit with a code
from ``reconciler.exitcodes``; every rule lives in the core so tests and CI see the same thing.
"""

from __future__ import annotations

import importlib
import sys
from gettext import gettext as _
from typing import Any

import click

from reconciler import __version__, exitcodes
from reconciler.cli.collector import collect_rarely, nothing_to_collect_at_exit
from reconciler.cli.color import no_color_option
from reconciler.errors import ConfigError, ReconcilerError, SafetyError

COMMANDS = {
    "accounts": "reconciler.cli.accounts:accounts",
    "assets": "reconciler.cli.assets:assets",
    "catalog": "reconciler.cli.catalog:catalog",
    "credentials": "reconciler.cli.credentials:credentials",
    "validate": "reconciler.cli.validate:validate",
    "plan": "reconciler.cli.plan:plan",
    "apply": "reconciler.cli.apply:apply",
    "drift": "reconciler.cli.drift:drift",
    "import": "reconciler.cli.importer:import_",
    "sandbox": "reconciler.sandbox.cli:sandbox",
    "test-connection": "reconciler.cli.test_connection:test_connection",
}


# The first paragraph of each command's help, so that ``reconciler --help`` lists the commands
# without importing them (they bring httpx, jsonschema and aiohttp: most of a second). A command
# missing here is imported to ask; tests/test_cli_help.py keeps these equal to the real help.
SUMMARIES = {
    "accounts": "Print the account directories under ROOT as a JSON list, for a CI matrix.",
    "assets": "Show the asset values a live integration's account offers, and the saved ones.",
    "catalog": "List what integrations can be made of, or one SITE's credentials and options.",
    "apply": "Apply the YAML to the account, verifying every change by reading it back.",
    "credentials": "Have a person enter NAME's credentials in a RevCent Secure Form, then save "
    "and verify.",
    "drift": "Report managed fields that differ live, missing and unmanaged integrations.",
    "import": "Write the account's integrations as YAML, so that 'plan' on them shows no changes.",
    "plan": "Show what 'apply' would change. Reads the account; changes nothing.",
    "sandbox": "A local, vendor-faithful RevCent (/v2/) and Solvimon (/v1/) API to run against.",
    "test-connection": "Test the connection of integration NAME with the credentials its YAML "
    "names.",
    "validate": "Check YAML files (or directories of them) without changing anything.",
}


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so ``--help`` and start-up stay fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own command list, with each line from SUMMARIES instead of an import."""
        names = self.list_commands(ctx)
        listed = [n for n in names if n in SUMMARIES or _visible(self.get_command(ctx, n))]
        if not listed:
            return
        limit = formatter.width - 6 - max(len(name) for name in listed)
        rows = []
        for name in listed:
            if name in SUMMARIES:
                # A bare Command shortens its help exactly as the real one would (public API).
                text = click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit)
            else:
                command = self.get_command(ctx, name)
                assert command is not None
                text = command.get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


def _visible(command: click.Command | None) -> bool:
    return command is not None and not command.hidden


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@no_color_option
def cli() -> None:
    """Third-party integrations as code: validate, plan, apply and check drift from YAML.

    \b
    Try it with no account, against the embedded sandbox:
      reconciler plan examples/integrations --sandbox
    """


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with a code from the one table; never a traceback for known errors."""
    collect_rarely()
    code = run(argv)
    nothing_to_collect_at_exit()
    sys.exit(code)


def run(argv: list[str] | None = None) -> int:
    try:
        result: Any = cli.main(args=argv, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exitcodes.ERROR
    except click.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("Interrupted.", err=True)
            return exitcodes.INTERRUPTED
        click.echo("Aborted.", err=True)
        return exitcodes.ERROR
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return exitcodes.INTERRUPTED
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.ERROR
    except SafetyError as exc:
        click.echo(f"error: {exc}", err=True)
        return exitcodes.SAFETY
    except ReconcilerError as exc:
        click.echo(f"error: {exc}", err=True)
        return exitcodes.ERROR
    return int(result or 0)


def report_config_error(exc: ConfigError) -> None:
    """Every problem on its own line, errors counted, notes shown but not counted."""
    if not exc.problems:
        click.echo(f"error: {exc}", err=True)
        return
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    errors = sum(1 for p in exc.problems if p.severity == "error")
    click.echo(f"{errors} error(s): nothing was sent.", err=True)
