"""Fixtures for drift tests: a demo sandbox, a working directory, redaction reset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.redaction import forget_all
from reconciler.sandbox.server import RunningSandbox, start_sandbox


@pytest.fixture
def demo_sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """A sandbox holding the demo account (the README's first command)."""
    with start_sandbox(tmp_path / "demo.db", seed_demo=True) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_redaction() -> Iterator[None]:
    yield
    forget_all()  # apply registers the secrets it sends; no test may see another's


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in its own directory (apply journals land under .reconciler/ there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
