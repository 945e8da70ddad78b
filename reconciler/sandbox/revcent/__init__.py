"""RevCent's part of the sandbox: ``/v2/`` integrations and secure forms, and the form page.

Light on purpose: ``VENDOR`` is all the registry imports (``sandbox --help`` needs no
aiohttp); the routes and hooks are in ``serving.py``, imported when a server starts.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.vendor import SandboxVendor, Serving


def _load() -> Serving[Any]:
    from reconciler.sandbox.revcent.serving import SERVING

    return SERVING


VENDOR = SandboxVendor(name="revcent", title="RevCent", prefixes=("/v2/",), load=_load)
