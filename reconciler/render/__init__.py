"""Renderers: pure functions from Plan (or report) values to text, JSON or Markdown."""
