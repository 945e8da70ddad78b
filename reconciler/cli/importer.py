"""``reconciler import``: write one YAML file per live integration, to adopt an account."""

from __future__ import annotations

import os
from typing import Any

import click

from reconciler import exitcodes
from reconciler.cli.aliases import AliasedOption
from reconciler.cli.options import api_options, collect, connection
from reconciler.errors import ConfigError
from reconciler.importer import build_files, export_live, write_files
from reconciler.providers.registry import all_providers, provider_named


@click.command(name="import")
@click.option(
    "--out-dir",
    "out_dir",
    cls=AliasedOption,
    aliases=("--out",),  # old spelling; '--out' is a file elsewhere (plan --out FILE)
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
@click.option(
    "--overwrite",
    cls=AliasedOption,
    aliases=("--force",),  # old spelling; '--force' is apply's override of the safety rails
    is_flag=True,
    help="Overwrite files that already exist.",
)
@click.option(
    "--schema-ref",
    default=None,
    metavar="local|PATH|URL",
    help="Target of the '$schema=' modeline: 'local' for the installed schema file relative to "
    "--out-dir, or any path or URL [default: the schema's stable URL at this "
    "release].",
)
@api_options
def import_(
    out_dir: str, names: tuple[str, ...], overwrite: bool, schema_ref: str | None, **kwargs: Any
) -> int:
    """Write the account's integrations as YAML, so that 'plan' on them shows no changes.

    Reads every provider whose API key is set (REVCENT_API_KEY, SOLVIMON_API_KEY…; with
    --sandbox, all of them). Each file pins the integration's 'id' and its settings as
    saved. No secret is ever written, and none is needed to keep the saved ones: RevCent
    credentials are written 'external: true' (unsaved ones are left out), Solvimon's
    authentication and secret fields are left out. Output is deterministic: importing twice
    gives the same bytes. Existing files are refused unless --overwrite.

    \b
    Examples:
      reconciler import --sandbox --out-dir integrations/
      reconciler import --out-dir accounts/live --name "Main Tax Provider - Production"
    """
    options = collect(kwargs)
    with connection(options) as conn:
        in_use = conn.configured()
        if not in_use:
            keys = " or ".join(info.env_key for info in all_providers())
            raise ConfigError(
                f"no API key is set: export {keys} in the environment (never on the command "
                "line), or add --sandbox to run against the local sandbox"
            )
        providers = conn.open(in_use)
        try:
            skipped: list[str] = []
            exported = export_live(
                list(providers.values()),
                names=names,
                parallelism=options.parallelism,
                skipped=skipped,
            )
            source: str | dict[str, str] = "the embedded sandbox"
            if not options.sandbox:
                source = {n: conn.settings_for(provider_named(n)).base_url for n in in_use}
        finally:
            for provider in providers.values():
                provider.close()
    files = build_files(exported, source=source, out_dir=out_dir, schema_ref=schema_ref)
    written = write_files(files, out_dir, force=overwrite)
    for path, file in zip(written, files, strict=True):
        click.echo(f"wrote {path}  ({file.name}, {file.id})")
        for fix in file.fixes:
            click.echo(f"  note: {path}: {fix} (written as a FIX comment in the file)", err=True)
    for line in skipped:
        click.echo(f"note: {line}", err=True)
    click.echo(
        f"Imported {len(files)} integration(s) into {os.path.normpath(out_dir)}. "
        f"Check them with: reconciler plan {os.path.normpath(out_dir)}"
    )
    return exitcodes.OK
