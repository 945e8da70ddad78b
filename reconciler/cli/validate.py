"""``reconciler validate``: schema and cross-file checks offline; with --live, the catalog too."""

from __future__ import annotations

from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.options import api_options, collect, connection, echo_err
from reconciler.errors import ConfigError
from reconciler.workspace import load_workspace


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--live", is_flag=True, help="Also check against the account's live catalog.")
@api_options
def validate(paths: tuple[str, ...], live: bool, **kwargs: Any) -> int:
    """Check YAML files (or directories of them) without changing anything.

    \b
    Examples:
      reconciler validate integrations/
      reconciler validate integrations/ --live --sandbox
    """
    options = collect(kwargs)
    workspace = load_workspace(paths)
    notes = []
    if live:
        from reconciler.live import Target, read_live
        from reconciler.planner import plan_target
        from reconciler.providers.base import PlanOptions

        with connection(options) as conn:
            providers = conn.open(workspace.desired)
            try:
                problems = []
                for name, desired in workspace.desired.items():
                    target = Target(providers[name], desired)
                    state = read_live(target, parallelism=options.parallelism)
                    by_name = {
                        desired[i].name: state.bodies[ref.id] for i, ref in state.matches.items()
                    }
                    problems += providers[name].check_live(desired, by_name)
                    if not any(p.severity == "error" for p in problems):
                        # What plan refuses, validate --live refuses: the same checks run.
                        try:
                            plan_target(target, state, PlanOptions())
                        except ConfigError as exc:
                            problems += exc.problems
            finally:
                for provider in providers.values():
                    provider.close()
        errors = [p for p in problems if p.severity == "error"]
        notes = [p for p in problems if p.severity != "error"]
        if errors:
            raise ConfigError(problems)
    for note in sorted(notes):
        echo_err(str(note))
    scope = "live catalog" if live else "schema"
    click.echo(
        f"ok: {workspace.count} integration(s) in {len(workspace.files)} file(s) "
        f"are valid ({scope} checks)"
    )
    return exitcodes.OK
