"""Random ids in the vendors' 20-character alphanumeric format."""

from __future__ import annotations

import os
import random
import string

_ALPHABET = string.ascii_letters + string.digits
_LENGTH = 20
# Ids need to be unguessable-looking and unique, not secret (URL tokens use ``secrets``).
# One generator seeded from os.urandom: no two sandboxes share a seed, and an id costs no
# system call (SystemRandom made 20 os.urandom calls per id, one per answer envelope).
_rng = random.Random(os.urandom(32))

# Random bytes to letters: byte b < 248 (4 x 62) is the letter b % 62, others are dropped,
# so every letter is equally likely; 28 bytes leave 20 but about once in ten million draws.
_KEPT = 4 * len(_ALPHABET)
_TO_LETTER = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) if b < _KEPT else 0 for b in range(256))
_DROPPED = bytes(range(_KEPT, 256))
_DRAWN = 28


def _reseed() -> None:
    _rng.seed(os.urandom(32))


if hasattr(os, "register_at_fork"):  # a forked child must not repeat its parent's ids
    os.register_at_fork(after_in_child=_reseed)


def new_id() -> str:
    """A 20-character alphanumeric id."""
    while True:
        letters = _rng.randbytes(_DRAWN).translate(_TO_LETTER, _DROPPED)
        if len(letters) >= _LENGTH:
            return letters[:_LENGTH].decode("ascii")
