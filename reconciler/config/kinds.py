"""The registry of document kinds: which schema checks each one, which parser reads it.

Why one small table: adding a provider's kind (say ``solvimon/Integration``) means one entry
here and a schema file, never a change to the loader. Parsers are named ``module:function`` and
imported on first use, as the provider registry does, so the config layer never imports a
provider at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from reconciler.model import DesiredResource, Document

Parser = Callable[[Document], DesiredResource]


@dataclass(frozen=True)
class KindInfo:
    """One kind of document: its schema file (under ``schemas/``) and its parser."""

    kind: str
    schema: str
    parser: str  # "module:function" taking a schema-valid Document
    key: str = "name"  # the document key naming the object: unique across files, matched live


KINDS: tuple[KindInfo, ...] = (
    KindInfo(
        kind="revcent/UserThirdPartyIntegration",
        schema="revcent-integration.schema.json",
        parser="reconciler.providers.revcent.desired:from_document",
    ),
    KindInfo(
        kind="solvimon/Integration",
        schema="solvimon-integration.schema.json",
        parser="reconciler.providers.solvimon.desired:from_document",
        key="reference",
    ),
)


def kind_info(kind: object) -> KindInfo | None:
    """The registered kind called ``kind``, or None."""
    return next((k for k in KINDS if k.kind == kind), None)


def known_kinds() -> list[str]:
    return [k.kind for k in KINDS]


@cache
def parser_for(info: KindInfo) -> Parser:
    """The parser function of ``info``, imported once."""
    module_name, _, function = info.parser.partition(":")
    parser: Parser = getattr(importlib.import_module(module_name), function)
    return parser
