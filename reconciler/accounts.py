"""Account directories of a repository layout, for a CI matrix.

Why: a workflow that lists its accounts by hand drifts from the repository; one generated from
the layout (``accounts/<name>/…yaml``) cannot. An account is a direct subdirectory of the root
that holds at least one YAML file at any depth; hidden directories are skipped.
"""

from __future__ import annotations

from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")


def account_directories(root: Path) -> list[str]:
    """Names of the account directories under ``root``, sorted; [] when there are none."""
    if not root.is_dir():
        return []
    found: list[str] = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or not child.is_dir() or child.is_symlink():
            continue
        if any(
            path.suffix in YAML_SUFFIXES and path.is_file() and not path.is_symlink()
            for path in child.rglob("*")
            if not any(part.startswith(".") for part in path.relative_to(child).parts)
        ):
            found.append(child.name)
    return found
