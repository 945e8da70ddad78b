"""Fixtures for apply_hardening tests: the shared apply fixtures (tests/apply_fixtures.py)."""

from apply_fixtures import (  # noqa: F401  (fixtures and constants used by the tests)
    EXAMPLE_SECRETS,
    EXAMPLES,
    ROOT,
    _fresh_redaction,
    demo_sandbox,
    work,
)
