"""The ``reconciler`` command line: thin click commands over the core.

Why thin: commands parse options, call the core, print with a renderer and exit with a code
from ``reconciler.exitcodes``; every rule lives in the core so tests and CI see the same thing.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from reconciler import __version__, exitcodes
from reconciler.errors import ConfigError, ReconcilerError, SafetyError

COMMANDS = {
    "validate": "reconciler.cli.validate:validate",
    "plan": "reconciler.cli.plan:plan",
    "apply": "reconciler.cli.apply:apply",
    "drift": "reconciler.cli.drift:drift",
    "import": "reconciler.cli.importer:import_",
    "sandbox": "reconciler.sandbox.cli:sandbox",
}


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so ``--help`` and start-up stay fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
def cli() -> None:
    """Third-party integrations as code: validate, plan, apply and check drift from YAML.

    \b
    Try it with no account, against the embedded sandbox:
      reconciler plan examples/integrations --sandbox
    """


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with a code from the one table; never a traceback for known errors."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    try:
        result: Any = cli.main(args=argv, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exitcodes.ERROR
    except click.Abort:
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
