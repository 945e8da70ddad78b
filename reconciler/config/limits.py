"""Input budgets and the loader's shared messages (docs/input-limits.md).

Why a module apart: the simple reader's loader (config/loader.py) and the full one
(config/composing.py) keep the same limits and say the same things.
"""

from __future__ import annotations

SYNTAX_HINT = "check indentation, quotes, brackets and the ': ' after each key"
TAB_HINT = "indent with spaces; YAML does not allow tabs for indentation"
NOT_A_MAPPING = "a document must be a mapping of keys"

# Input budgets (docs/input-limits.md). Why: a config file is read by CI on every push; an
# alias bomb, a deep nesting or a device file must be refused in a clear line, not end in a
# MemoryError, a RecursionError, a C stack overflow or a run that never finishes.
MAX_FILE_BYTES = 1024 * 1024  # per config file
MAX_DEPTH = 64  # nested lists/mappings, counted as written and as aliases expand
MAX_ALIASES = 1000  # alias uses (*name) per document
MAX_ALIAS_NODES = 10_000  # nodes copied by expanding aliases, per document
LIMIT_HINT = "see docs/input-limits.md"
