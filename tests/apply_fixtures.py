"""Fixtures shared by the apply suites (tests/apply, tests/apply_hardening): a demo sandbox,
example secrets, a fresh redaction registry and a working directory per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.redaction import forget_all
from reconciler.sandbox.server import RunningSandbox, start_sandbox

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "integrations"

# Values for every env reference in examples/integrations (canary-like, so leaks are findable).
EXAMPLE_SECRETS = {
    "AVALARA_ACCOUNT_ID": "canary-avalara-account-7f3a",
    "AVALARA_LICENSE_KEY": "canary-avalara-license-7f3a",
    "TAXJAR_API_TOKEN": "canary-taxjar-token-7f3a",
    "SHIPSTATION_API_KEY": "canary-shipstation-key-7f3a",
    "SHIPSTATION_API_SECRET": "canary-shipstation-secret-7f3a",
    "SEZZLE_PUBLIC_KEY": "canary-sezzle-public-7f3a",
    "SEZZLE_PRIVATE_KEY": "canary-sezzle-private-7f3a",
    "AFFIRM_PUBLIC_API_KEY": "canary-affirm-public-7f3a",
    "AFFIRM_PRIVATE_API_KEY": "canary-affirm-private-7f3a",
    "OPENAI_API_KEY": "canary-openai-key-7f3a",
    "ELEVENLABS_API_KEY": "canary-elevenlabs-key-7f3a",
    "AVATAX_LICENSE_KEY": "canary-avatax-license-7f3a",
    "STRIPE_SECRET_KEY": "canary-stripe-secret-7f3a",
    "STRIPE_WEBHOOK_SECRET": "canary-stripe-webhook-7f3a",
    "MAILGUN_API_KEY": "canary-mailgun-key-7f3a",
}


@pytest.fixture
def demo_sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """A sandbox holding the demo account the README's first command shows."""
    with start_sandbox(tmp_path / "demo.db", seed_demo=True) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_redaction() -> Iterator[None]:
    yield
    forget_all()


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each CLI test in its own directory (journals land under .reconciler/ there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
