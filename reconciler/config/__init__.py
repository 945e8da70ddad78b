"""The desired-state configuration: YAML files → checked documents → desired objects.

Public API (all problems of all files are collected; messages read ``file:line:col: …``)::

    read_config(paths) -> ConfigResult          never raises for bad YAML; .problems, .errors
    load_config(paths) -> list[DesiredResource]  raises ConfigError holding every error
    load_documents(paths) -> list[Document]      the same, stopping before parsing
"""

from __future__ import annotations

from reconciler.config.pipeline import (
    ConfigResult,
    check_document,
    load_config,
    load_documents,
    read_config,
)

__all__ = ["ConfigResult", "check_document", "load_config", "load_documents", "read_config"]
