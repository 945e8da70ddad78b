"""Random ids in the vendors' 20-character alphanumeric format."""

from __future__ import annotations

import random
import string

_ALPHABET = string.ascii_letters + string.digits
# Ids need to be unguessable-looking and unique, not secret: SystemRandom avoids a shared seed
# making two sandboxes hand out the same ids.
_rng = random.SystemRandom()


def new_id() -> str:
    """A 20-character alphanumeric id."""
    return "".join(_rng.choices(_ALPHABET, k=20))
