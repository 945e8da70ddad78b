"""YAML text → ``Document``s that remember the ``(line, column)`` of every key and value.

Why compose instead of ``safe_load``: a problem found later (schema, catalog, plan) must point
at the exact node, so we keep PyYAML's node marks. Why our own scalar rules: PyYAML follows
YAML 1.1, where ``yes``/``no``/``on``/``off`` are booleans, ``1:20`` is a number and ``007`` is
octal. Editors following the schema modeline read YAML 1.2, so we do too, and more strictly:
only ``true``/``false`` are booleans and only plain decimals are numbers. Everything else stays
text, exactly as written.
"""

from __future__ import annotations

from reconciler.boundedfile import NotRegularFile, read_bounded
from reconciler.config.limits import LIMIT_HINT, MAX_FILE_BYTES
from reconciler.config.scalars import plain_value
from reconciler.config.simple_yaml import load_simple
from reconciler.errors import Problem
from reconciler.model import Document


def load_text(text: str, file: str) -> tuple[list[Document], list[Problem]]:
    """Every non-empty document of one YAML text, and every problem met while reading it.

    Documents read before a syntax error are kept, so their own problems are reported too.
    The usual file (plain keys, one-line values, lists) is read without PyYAML at all
    (config/simple_yaml.py), to the same documents; anything else by config/composing.py.
    """
    simple = load_simple(text, file, plain_value)
    if simple is not None:
        return [simple], []
    from reconciler.config.composing import compose_text

    return compose_text(text, file)


def load_file(
    path: str, contents: dict[str, bytes] | None = None
) -> tuple[list[Document], list[Problem]]:
    """The documents of one file named as the user gave it; unreadable files are a problem.

    ``contents`` receives the bytes read (the configuration's fingerprint is made of exactly
    the bytes that were planned, and the file is not read twice).
    """
    try:
        raw = _read(path)
    except NotRegularFile as exc:
        return [], [Problem(path, 1, 1, str(exc), "a config file must be a regular file")]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return [], [Problem(path, 1, 1, f"cannot read the file: {reason}", "check the path")]
    if contents is not None:
        contents[path] = raw
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES // 1024} KiB"
        return [], [Problem(path, 1, 1, message, "split it into several files; " + LIMIT_HINT)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(path, line, 1, "the file is not UTF-8 text", "save it as UTF-8")]
    return load_text(text, path)


def _read(path: str) -> bytes:
    return read_bounded(path, MAX_FILE_BYTES)
