"""Random ids in the vendors' 20-character alphanumeric format."""

from __future__ import annotations

import os
import random
import string

_ALPHABET = string.ascii_letters + string.digits
# Ids need to be unguessable-looking and unique, not secret (URL tokens use ``secrets``).
# One generator seeded from os.urandom: no two sandboxes share a seed, and an id costs no
# system call (SystemRandom made 20 os.urandom calls per id, one per answer envelope).
_rng = random.Random(os.urandom(32))


def _reseed() -> None:
    _rng.seed(os.urandom(32))


if hasattr(os, "register_at_fork"):  # a forked child must not repeat its parent's ids
    os.register_at_fork(after_in_child=_reseed)


def new_id() -> str:
    """A 20-character alphanumeric id."""
    return "".join(_rng.choices(_ALPHABET, k=20))
