"""Which files a list of paths names: files as given, directories searched recursively.

Why its own module: the order of files decides the order of documents, and so which of two
duplicates is "the second"; it must be the same on every machine. Paths stay as the user gave
them (``examples/x.yaml``, never made absolute) so messages point where the user looks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from reconciler.errors import Problem

YAML_SUFFIXES = (".yaml", ".yml")


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Problem]]:
    """Files to load, in a stable order, and problems with paths that name none.

    A directory contributes its ``*.yaml``/``*.yml`` files at any depth, sorted by their path
    below it; hidden files and directories (``.git``, ``.github``…) are skipped. A file named
    explicitly is loaded whatever its suffix. A file reached twice is loaded once.
    """
    found: list[str] = []
    problems: list[Problem] = []
    seen: set[object] = set()

    def add(path: str) -> None:
        key = _identity(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        path = os.fspath(given)
        if os.path.isdir(path):
            files = _yaml_files(path)
            if not files:
                problems.append(
                    Problem(
                        path,
                        1,
                        1,
                        "no YAML files (*.yaml, *.yml) in this directory",
                        "check the path",
                    )
                )
            for file in files:
                add(file)
        elif os.path.exists(path):  # a FIFO or device too: the loader refuses it by name
            add(path)
        else:
            problems.append(Problem(path, 1, 1, "no such file or directory", "check the path"))
    return found, problems


def _identity(path: str) -> object:
    """What makes two paths one file: its device and inode (one stat, where ``realpath``
    costs a call per path component), else its resolved path (a dangling link, say)."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def _yaml_files(directory: str) -> list[str]:
    relative: list[tuple[str, ...]] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        below = os.path.relpath(root, directory)
        parts = () if below == os.curdir else tuple(below.split(os.sep))
        relative.extend(
            (*parts, name)
            for name in files
            if name.endswith(YAML_SUFFIXES) and not name.startswith(".")
        )
    # Sorting path parts (not joined strings) keeps "a/b.yaml" before "a-c.yaml" everywhere.
    return [os.path.join(directory, *parts) for parts in sorted(relative)]
