"""``reconciler accounts``: the account directories as JSON, for a CI matrix (``fromJSON``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler import exitcodes
from reconciler.accounts import account_directories


@click.command()
@click.argument("root", default="accounts", type=click.Path(file_okay=False, path_type=Path))
def accounts(root: Path) -> int:
    """Print the account directories under ROOT as a JSON list, for a CI matrix.

    An account is a direct subdirectory of ROOT (default: accounts) holding YAML files.

    \b
    Examples:
      reconciler accounts                 # ["live", "test"]
      echo "accounts=$(reconciler accounts)" >> "$GITHUB_OUTPUT"
    """
    names = account_directories(root)
    click.echo(json.dumps(names))
    if not names:
        click.echo(f"note: no account directory with YAML files under {root}/", err=True)
    return exitcodes.OK
