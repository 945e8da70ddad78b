"""The renderer table: every command's formats come from it, and it routes to the pure renderers."""

from __future__ import annotations

import pytest

from reconciler.drift import DriftReport
from reconciler.plan import Plan
from reconciler.render.drift import render_drift_text
from reconciler.render.plan_json import render_json
from reconciler.render.table import Choices, formats, render


def test_each_command_offers_the_formats_of_the_table() -> None:
    assert formats("plan") == ("text", "json", "markdown", "github")
    assert formats("apply") == ("text", "json", "markdown")
    assert formats("drift") == ("text", "json", "markdown", "github")


def test_render_routes_to_the_pure_renderer_with_its_choices() -> None:
    plan = Plan(changes=(), config_fingerprint="abc", config_paths=("a.yaml",))
    assert render("plan", "json", plan) == render_json(plan)
    report = DriftReport(items=(), unmanaged=())
    assert render("drift", "text", report, Choices(count_unmanaged=True)) == render_drift_text(
        report, count_unmanaged=True
    )


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"^apply has no 'github' format \(known: text, json, markdown\)$"
    ):
        render("apply", "github", object())
