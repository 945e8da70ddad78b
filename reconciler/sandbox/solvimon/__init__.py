"""Solvimon's integrations API in the sandbox: ``/v1/integrations…`` beside the other vendors.

Light on purpose: ``VENDOR`` is all the registry imports (``sandbox --help`` needs no
aiohttp); the routes and hooks are in ``serving.py``, imported when a server starts.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.vendor import SandboxVendor, Serving


def _load() -> Serving[Any]:
    from reconciler.sandbox.solvimon.serving import SERVING

    return SERVING


VENDOR = SandboxVendor(name="solvimon", title="Solvimon", prefixes=("/v1/",), load=_load)
