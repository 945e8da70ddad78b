"""The apply report as text (issue 16.6): clean integrations collapse into one count line, the
rest is listed in full; ``--list-all`` lists every one; JSON always lists every one."""

from __future__ import annotations

import json

from reconciler.executor import ApplyReport, Result, StepResult
from reconciler.plan import Change, Step
from reconciler.providers.base import Mismatch
from reconciler.render.report import render_report_json, render_report_text

CREATE = Step(
    "CreateUserThirdPartyIntegration", "POST", "/v2/x", {}, "high", "create", intent="create"
)
EDIT = Step(
    "EditUserThirdPartyIntegration", "POST", "/v2/x/{id}", {}, "low", "description", intent="update"
)


def _change(name: str, action: str = "update") -> Change:
    return Change("revcent", "UserThirdPartyIntegration", name, "id-" + name, action, "a.yaml:1")


def _report() -> ApplyReport:
    results = [
        Result(_change(f"Ok {i}"), "applied", f"id-{i}", [StepResult(EDIT, "verified")])
        for i in range(3)
    ]
    results.insert(
        1,
        Result(
            _change("Bad"),
            "failed",
            "id-bad",
            [StepResult(EDIT, "failed", error="HTTP 400")],
            message="EditUserThirdPartyIntegration (description) failed: HTTP 400",
        ),
    )
    results.append(
        Result(
            _change("Changed"),
            "altered",
            "id-c",
            [StepResult(EDIT, "altered", [Mismatch("description", "new", "NEW")])],
            message="the read-back differs: description",
        )
    )
    results.append(
        Result(
            _change("Twin", "create"),
            "applied",
            "id-t",
            [StepResult(CREATE, "verified", adopted=True)],
        )
    )
    results.append(Result(_change("Moved"), "stale", "id-m", message="changed live since plan"))
    return ApplyReport(results, "j.jsonl")


def test_clean_integrations_collapse_into_one_line() -> None:
    assert render_report_text(_report()) == (
        "✔ 3 applied and verified\n"
        "✘ failed  Bad (id-bad)\n"
        "    FAILED   EditUserThirdPartyIntegration  description\n"
        "    EditUserThirdPartyIntegration (description) failed: HTTP 400\n"
        "≠ altered  Changed (id-c)\n"
        "    ALTERED  EditUserThirdPartyIntegration  description\n"
        '             description: sent "new", stored "NEW"\n'
        "    the read-back differs: description\n"
        "✔ applied  Twin (id-t)\n"
        "    ok       CreateUserThirdPartyIntegration  create"
        " (adopted the integration a lost answer had created)\n"
        "⧗ stale  Moved (id-m)\n"
        "    changed live since plan\n"
        "\n"
        "Apply: 4 applied, 1 altered, 1 failed, 1 stale.\n"
        "Journal: j.jsonl\n"
    )


def test_list_all_lists_every_integration() -> None:
    text = render_report_text(_report(), list_all=True)
    assert "applied and verified" not in text
    assert text.startswith(
        "✔ applied  Ok 0 (id-0)\n"
        "    ok       EditUserThirdPartyIntegration  description\n"
        "✘ failed  Bad (id-bad)\n"
    )
    assert "✔ applied  Ok 2 (id-2)\n    ok       EditUserThirdPartyIntegration  description\n" in (
        text
    )
    assert text.count("\n✔ applied  ") + text.startswith("✔ applied  ") == 4


def test_all_clean_is_one_line_and_the_summary() -> None:
    report = ApplyReport(
        [
            Result(_change(f"Ok {i}"), "applied", f"id-{i}", [StepResult(EDIT, "verified")])
            for i in range(198)
        ]
    )
    assert render_report_text(report) == (
        "✔ 198 applied and verified\n\nApply: 198 applied, 0 altered, 0 failed, 0 stale.\n"
    )


def test_interrupted_not_started_are_listed() -> None:
    report = ApplyReport(
        [
            Result(_change("Ok"), "applied", "id-ok", [StepResult(EDIT, "verified")]),
            Result(
                _change("Later"),
                "interrupted",
                "id-l",
                [StepResult(EDIT, "skipped")],
                message="not started: the run was interrupted (Ctrl-C)",
            ),
        ],
        interrupted=True,
    )
    assert render_report_text(report) == (
        "✔ 1 applied and verified\n"
        "■ interrupted  Later (id-l)\n"
        "    skipped  EditUserThirdPartyIntegration  description\n"
        "    not started: the run was interrupted (Ctrl-C)\n"
        "\n"
        "Interrupted (Ctrl-C): steps in flight finished; no new step was started.\n"
        "Apply: 1 applied, 0 altered, 0 failed, 0 stale, 1 interrupted.\n"
    )


def test_json_lists_every_integration() -> None:
    data = json.loads(render_report_json(_report()))
    assert [i["name"] for i in data["integrations"]] == [
        "Ok 0",
        "Bad",
        "Ok 1",
        "Ok 2",
        "Changed",
        "Twin",
        "Moved",
    ]
    assert data["summary"] == {
        "applied": 4,
        "altered": 1,
        "failed": 1,
        "stale": 1,
        "interrupted": 0,
    }
