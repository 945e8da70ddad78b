"""Shared by the config tests: where the fixtures are, and running inside that directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import FIXTURES


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in the fixture directory, so paths in messages are the short relative ones given."""
    monkeypatch.chdir(FIXTURES)
    return FIXTURES
