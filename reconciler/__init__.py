"""reconciler: third-party integrations as code (validate, plan, apply, drift)."""

__version__ = "0.1.0"
