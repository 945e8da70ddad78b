"""Process-wide secret redaction: every resolved secret is registered and scrubbed from text.

Why: secrets must never reach output, errors, logs or journals, even when a vendor echoes a
request back in an error body. A vendor rarely echoes a value verbatim: it JSON-escapes it,
URL-encodes it, HTML-escapes it, collapses its whitespace or base64s it inside a Basic
credential. So each secret is scrubbed in every such form, and ``truncate`` cuts text without
ever leaving the first characters of a secret at the cut.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from urllib.parse import quote, quote_plus

SENSITIVE = "(sensitive)"
_MIN_LENGTH = 4  # shorter values would scrub ordinary words; such secrets are not secrets
_MIN_PREFIX = 4  # a cut ending in this many characters of a secret form is scrubbed too
_MIN_BASE64 = 6  # shorter base64 fragments would match ordinary words
_B64 = "[A-Za-z0-9+/_-]"

# Reentrant: a second Ctrl-C's handler scrubs its journal line on the main thread, which may
# have been interrupted while holding this very lock (rendering the report); a plain Lock
# would deadlock the exit that must be immediate.
_lock = threading.RLock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None  # one alternation of every form, longest first
_forms: list[str] = []


def register_secret(value: str) -> None:
    """Remember ``value`` so that ``scrub`` removes it (in every encoding) from now on."""
    global _pattern
    if value and len(value.strip()) >= _MIN_LENGTH:
        with _lock:
            if value not in _secrets:
                _secrets.add(value)
                _pattern = None


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def _base64_cores(raw: bytes) -> list[str]:
    """The base64 text that ``raw`` yields wherever it sits in a longer encoded string.

    Base64 works in groups of 3 bytes: at each of the three alignments, the groups lying
    wholly inside the secret encode to a fixed string whatever precedes or follows it (so
    ``user:secret`` in a Basic header is caught without knowing the user).
    """
    cores: list[str] = []
    for offset in range(3):
        padded = b"\0" * offset + raw
        first = -(-offset // 3)  # first group wholly inside the secret
        last = len(padded) // 3  # groups before this one are complete
        if last <= first:
            continue
        chunk = padded[first * 3 : last * 3]
        for encoder in (base64.b64encode, base64.urlsafe_b64encode):
            core = encoder(chunk).decode("ascii")
            if len(core) >= _MIN_BASE64:
                cores.append(core)
    return cores


def forms_of(secret: str) -> list[str]:
    """Every text form in which ``secret`` may come back from a vendor."""
    forms = {secret, secret.strip()}
    forms.add(json.dumps(secret)[1:-1])
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(json.dumps(secret)[1:-1].replace("/", "\\/"))
    for encoded in (quote(secret, safe=""), quote(secret), quote_plus(secret)):
        forms.update((encoded, _lower_hex(encoded)))
    forms.update((html.escape(secret), html.escape(secret, quote=False)))
    forms.add(html.escape(secret).replace("&#x27;", "&#39;"))
    raw = secret.encode("utf-8")
    for encoded_bytes in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded_bytes.decode("ascii")
        forms.update((text, text.rstrip("=")))
    return sorted((f for f in forms if len(f.strip()) >= _MIN_LENGTH), key=len, reverse=True)


def _flexible(form: str) -> str:
    """A regex for ``form`` whose whitespace runs match any whitespace run (or none)."""
    parts = form.split()
    if len(parts) <= 1:
        return re.escape(form.strip()) if form.strip() != form else re.escape(form)
    return r"\s*".join(re.escape(p) for p in parts)


def _compiled() -> tuple[re.Pattern[str] | None, list[str]]:
    global _pattern, _forms
    with _lock:
        if _pattern is None and _secrets:
            forms: set[str] = set()
            cores: set[str] = set()
            for secret in _secrets:
                forms.update(forms_of(secret))
                cores.update(_base64_cores(secret.encode("utf-8")))
            _forms = sorted(forms, key=len, reverse=True)
            # A base64 core takes its whole base64 token with it: the edges encode secret bits.
            alternatives = [_flexible(f) for f in _forms] + [
                f"{_B64}*{re.escape(c)}{_B64}*=*" for c in sorted(cores, key=len, reverse=True)
            ]
            _pattern = re.compile("|".join(alternatives))
        return _pattern, _forms


def scrub(text: str) -> str:
    """``text`` with every registered secret, in any known encoding, replaced by ``(sensitive)``."""
    if not _secrets:
        return text
    pattern, _ = _compiled()
    return pattern.sub(SENSITIVE, text) if pattern is not None else text


def truncate(text: str, limit: int) -> str:
    """``text`` scrubbed, cut to ``limit`` characters, with no secret prefix left at the cut.

    Why scrub first: a secret straddling the cut is no longer whole after it, so nothing
    would match it; and the cut itself may end inside a form, so any trailing prefix of at
    least four characters of a form is scrubbed as well.
    """
    text = scrub(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    _, forms = _compiled()
    for form in forms:
        for length in range(min(len(form) - 1, len(cut)), _MIN_PREFIX - 1, -1):
            if cut.endswith(form[:length]):
                cut = cut[:-length] + SENSITIVE
                break
    return cut


def forget_all() -> None:
    """Drop every registered secret (tests)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None
