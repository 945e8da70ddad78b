"""Old option spellings that still work but are no longer shown (docs/adoption.md lists them).

Why an Option subclass rather than a second hidden option: one parameter, one default, one
envvar; the old spelling simply parses to the same value, so nothing downstream can tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click


class AliasedOption(click.Option):
    """A click option with ``aliases``: extra spellings accepted, left out of ``--help``."""

    def __init__(
        self, param_decls: Sequence[str], *, aliases: Sequence[str] = (), **attrs: Any
    ) -> None:
        super().__init__([*param_decls, *aliases], **attrs)
        self.aliases = tuple(aliases)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        every = self.opts
        self.opts = [o for o in every if o not in self.aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = every
