"""The sandbox: vendor-faithful API servers with an SQLite store and fault injection.

One package per vendor (``registry.VENDORS``) beside the shared core at this level.

The core never imports this package; only the CLI starts it (``sandbox serve`` and ``--sandbox``).
Its server needs aiohttp, an optional dependency (the ``sandbox`` extra): a user of the tool
against a real account installs no web server.
"""

from __future__ import annotations

from reconciler.errors import ReconcilerError

DEFAULT_API_KEY = "sandbox"
INSTALL = "python3 -m pip install 'integration-reconciler[sandbox]'"


def require_server() -> None:
    """Fail with one clear line, before any import error, when aiohttp is not installed."""
    try:
        import aiohttp  # noqa: F401  (only whether it imports)
    except ImportError:
        raise ReconcilerError(
            "the sandbox needs aiohttp, which is not installed: run "
            f"{INSTALL} (from a checkout: python3 -m pip install '.[sandbox]')"
        ) from None
