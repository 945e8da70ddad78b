"""The registry of document kinds: which schema checks each one, which parser reads it.

Why a view of the provider registry: a provider's descriptor declares its kinds (schema,
parser, key, secret roots), so adding a kind never changes the loader or this module. Parsers
are named ``module:function`` and imported on first use, so the config layer never imports a
provider's code at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from reconciler.model import DesiredResource, Document
from reconciler.providers.descriptor import KindDescriptor
from reconciler.providers.registry import all_kinds, kinds_by_name

Parser = Callable[[Document], DesiredResource]

KindInfo = KindDescriptor  # one kind: its schema file, parser, key and secret roots


def _kinds() -> tuple[KindInfo, ...]:
    return all_kinds()


def all_kind_infos() -> tuple[KindInfo, ...]:
    """Every registered kind, built-in and plugged in."""
    return _kinds()


def kind_info(kind: object) -> KindInfo | None:
    """The registered kind called ``kind``, or None."""
    return kinds_by_name().get(kind) if isinstance(kind, str) else None


def known_kinds() -> list[str]:
    return [k.kind for k in _kinds()]


@cache
def parser_for(info: KindInfo) -> Parser:
    """The parser function of ``info``, imported once."""
    module_name, _, function = info.parser.partition(":")
    parser: Parser = getattr(importlib.import_module(module_name), function)
    return parser
