"""The one exit-code table of the CLI (documented in the README).

Why one place: CI jobs branch on these numbers, so they must never drift between commands.
"""

from __future__ import annotations

OK = 0  # success; plan/drift: no changes
ERROR = 1  # config, auth, network or API error before anything was sent; bad usage
CHANGES = 2  # plan --detailed-exitcode / drift: there are changes (drift)
SAFETY = 3  # apply: a safety rail refused (see --force)
PARTIAL = 4  # apply: some integrations failed or were stale
ALTERED = 5  # apply: applied, but verification found the live state differs
INTERRUPTED = 130  # Ctrl-C

TABLE = (
    (OK, "success; for plan --detailed-exitcode and drift: no changes"),
    (ERROR, "error before anything was sent: configuration, authentication, network, API"),
    (CHANGES, "plan --detailed-exitcode: changes pending; drift: drift found"),
    (SAFETY, "apply: a safety rail refused the plan (override with --force)"),
    (PARTIAL, "apply: some integrations failed or were stale; the others were applied"),
    (ALTERED, "apply: applied, but the read-back differs from what was sent"),
)
