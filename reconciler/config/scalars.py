"""What a plain YAML scalar means here: YAML 1.2 style, stricter (see config/loader.py).

Why a module of its own, free of PyYAML: the simple reader (config/simple_yaml.py) and the
full loader (config/composing.py) must read every plain value alike, and the simple reader
must not import PyYAML, whose import is a noticeable share of a run's start-up.
"""

from __future__ import annotations

import math
import re
from typing import Any

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"

# The implicit tags of plain scalars, in the order they are tried: (tag, rule, first characters).
IMPLICIT: tuple[tuple[str, re.Pattern[str], str | tuple[str, ...]], ...] = (
    (NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ("~", "n", "N", "")),
    (BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (INT, re.compile(r"^(?:0|-?[1-9][0-9]*)$"), "-0123456789"),
    (
        FLOAT,
        re.compile(  # no leading zeros, as for integers: '007' stays text
            r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+0123456789.",
    ),
)

# First character -> the rules that may apply, in order (as PyYAML's resolver keeps them).
BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _rule, _firsts in IMPLICIT:
    for _first in _firsts:
        BY_FIRST.setdefault(_first, []).append((_tag, _rule))


def implicit_tag(text: str) -> str:
    """The tag of a plain scalar written ``text``."""
    for tag, rule in BY_FIRST.get(text[:1], ()):
        if rule.match(text):
            return tag
    return STR


class UnknownTag(LookupError):
    """A tag none of the scalar rules read."""


def tagged(tag: str, text: str) -> tuple[Any, bool]:
    """The value of a scalar of ``tag`` written ``text``, and whether it is a number.

    KeyError or ValueError: the text does not fit the tag; UnknownTag: no rule for it.
    """
    if tag == STR:
        return text, False
    if tag == NULL:
        return None, False
    if tag == BOOL:
        return {"true": True, "false": False}[text.lower()], False
    if tag == INT:
        return int(text), True
    if tag == FLOAT:
        return source_float(text), True
    raise UnknownTag(tag)


def plain_value(text: str) -> tuple[Any, bool]:
    """A plain scalar as the full loader reads it, and whether it is a number (simple_yaml's
    ``resolve``); ValueError: not plainly one value."""
    if text[:1] not in BY_FIRST:
        return text, False
    try:
        return tagged(implicit_tag(text), text)
    except LookupError as exc:  # not expected for an implicit tag; the full loader decides
        raise ValueError(text) from exc


def short(tag: str) -> str:
    """``!!binary`` for YAML's own tags, as the user wrote them."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class SourceFloat(float):
    """A float that remembers how it was written, so a message can quote ``+15550101`` back
    instead of ``15550101.0``."""

    text: str

    def __new__(cls, value: float, text: str) -> SourceFloat:
        number = super().__new__(cls, value)
        number.text = text
        return number


def source_float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        value = -math.inf if lowered.startswith("-") else math.inf
    elif lowered == ".nan":
        value = math.nan
    else:
        value = float(text)
    return SourceFloat(value, text)
