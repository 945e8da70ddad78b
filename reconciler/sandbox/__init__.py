"""The sandbox: a vendor-faithful RevCent server with an SQLite store and fault injection.

The core never imports this package; only the CLI starts it (``sandbox serve`` and ``--sandbox``).
"""
