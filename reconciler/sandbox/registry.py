"""Which vendors the sandbox serves: the one list the core reads.

Each name is a package exporting ``VENDOR`` (a ``SandboxVendor``). The first is the sandbox's
main vendor: the serve banner names it, and paths no vendor claims (``/_sandbox/``, unknown
ones) answer in its shapes.
"""

from __future__ import annotations

import importlib
from functools import cache

from reconciler.sandbox.vendor import SandboxVendor

VENDORS = ("reconciler.sandbox.revcent", "reconciler.sandbox.solvimon")


@cache
def vendors() -> tuple[SandboxVendor, ...]:
    """The registered vendors, in ``VENDORS`` order (importing only their light packages)."""
    found = []
    for module in VENDORS:
        vendor = getattr(importlib.import_module(module), "VENDOR", None)
        if not isinstance(vendor, SandboxVendor):
            raise TypeError(f"{module} exports no VENDOR (a SandboxVendor)")
        found.append(vendor)
    return tuple(found)
