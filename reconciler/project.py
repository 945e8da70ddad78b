"""Where the project lives: the one place a fork changes to publish its own schemas and links.

Why one constant: the schemas' ``$id``, the modeline ``import`` writes and the package's
project URLs all derive from ``REPOSITORY``; tests/test_project_urls.py checks that the schema
files and pyproject.toml agree with it. Releases are tagged ``v<version>`` (docs/adoption.md),
so a schema URL names the exact release whose rules the YAML was written for.
"""

from __future__ import annotations

from reconciler import __version__

REPOSITORY = "https://github.com/integration-reconciler/reconciler"

_GITHUB = "https://github.com/"
_RAW = "https://raw.githubusercontent.com/"


def release_tag(version: str = __version__) -> str:
    """The git tag of a release: ``v`` and the version (``v0.1.0``)."""
    return f"v{version}"


def schema_base_url(version: str = __version__) -> str:
    """The raw URL of ``schemas/`` at the release tag, e.g. ``…/reconciler/v0.1.0/schemas``."""
    if not REPOSITORY.startswith(_GITHUB):
        raise ValueError(f"REPOSITORY must be a GitHub URL ({_GITHUB}OWNER/NAME)")
    slug = REPOSITORY[len(_GITHUB) :].rstrip("/")
    return f"{_RAW}{slug}/{release_tag(version)}/schemas"


def schema_url(filename: str, version: str = __version__) -> str:
    """The stable URL of one schema file of a release: its ``$id`` and the default modeline."""
    return f"{schema_base_url(version)}/{filename}"


def project_urls() -> dict[str, str]:
    """The ``[project.urls]`` of pyproject.toml, as they must read."""
    return {
        "Homepage": REPOSITORY,
        "Repository": REPOSITORY,
        "Issues": f"{REPOSITORY}/issues",
        "Changelog": f"{REPOSITORY}/releases",
    }
