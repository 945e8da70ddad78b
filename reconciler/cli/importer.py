"""``reconciler import``: write one YAML file per live integration, to adopt an account."""

from __future__ import annotations

import os
from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.options import api_options, collect, connection
from reconciler.importer import build_files, export_live, write_files
from reconciler.providers.registry import PROVIDERS


@click.command(name="import")
@click.option(
    "--out",
    "out_dir",
    default="integrations",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory to write the YAML files to (created if needed).",
)
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="NAME",
    help="Import only the integration called NAME (repeatable). Default: all.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--schema-ref",
    default=None,
    metavar="PATH|URL",
    help="Target of the '$schema=' modeline [default: the installed schema, relative to --out].",
)
@api_options
def import_(
    out_dir: str, names: tuple[str, ...], force: bool, schema_ref: str | None, **kwargs: Any
) -> int:
    """Write the account's integrations as YAML, so that 'plan' on them shows no changes.

    Each file pins the integration's 'id' and its options as saved. Credentials are
    written 'external: true' (RevCent never shows secrets): nothing secret is needed to
    keep them. Unsaved credentials are left out. Output is deterministic: importing twice
    gives the same bytes. Existing files are refused unless --force.

    \b
    Examples:
      reconciler import --sandbox --out integrations/
      reconciler import --out accounts/live --name "Main Tax Provider - Production"
    """
    options = collect(kwargs)
    with connection(options) as conn:
        providers = conn.open([info.name for info in PROVIDERS])
        try:
            exported = export_live(
                list(providers.values()), names=names, parallelism=options.parallelism
            )
            if options.sandbox:
                source = "the embedded sandbox"
            else:
                source = ", ".join(conn.settings_for(info).base_url for info in PROVIDERS)
        finally:
            for provider in providers.values():
                provider.close()
    files = build_files(exported, source=source, out_dir=out_dir, schema_ref=schema_ref)
    written = write_files(files, out_dir, force=force)
    for path, file in zip(written, files, strict=True):
        click.echo(f"wrote {path}  ({file.name}, {file.id})")
    click.echo(
        f"Imported {len(files)} integration(s) into {os.path.normpath(out_dir)}. "
        f"Check them with: reconciler plan {os.path.normpath(out_dir)}"
    )
    return exitcodes.OK
