"""Process-wide secret redaction: every resolved secret is registered and scrubbed from text.

Why: secrets must never reach output, errors, logs or journals, even when a vendor echoes a
request back in an error body. Registering at resolve time makes every printer safe by default.
"""

from __future__ import annotations

import threading

SENSITIVE = "(sensitive)"
_MIN_LENGTH = 4  # shorter values would scrub ordinary words; such secrets are not secrets

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember ``value`` so that ``scrub`` removes it from any text from now on."""
    if value and len(value) >= _MIN_LENGTH:
        with _lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``(sensitive)``."""
    if not _secrets:
        return text
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, SENSITIVE)
    return text


def forget_all() -> None:
    """Drop every registered secret (tests)."""
    with _lock:
        _secrets.clear()
