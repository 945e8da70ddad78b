"""apply under the sandbox's injected faults: nothing lost, nothing duplicated, all verified."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from conftest import EXAMPLE_SECRETS
from helpers import create_live, get, list_names, make_plan, write_yaml

from reconciler.executor import Executor
from reconciler.http import ApiSettings, RateLimiter, RetryPolicy
from reconciler.journal import Journal
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog

FAST_RETRY = RetryPolicy(attempts=8, base_delay=0.02, max_delay=0.2)


def apply_core(sandbox, path: Path, journal: Path, *, parallelism=8, rotate=()):
    """Plan and apply ``path`` through the core, returning the report and the shared limiter."""
    plan = make_plan(sandbox, path, rotate=rotate)
    limiter = RateLimiter()
    provider = RevCentProvider(
        ApiSettings(sandbox.url, sandbox.api_key, timeout=5, retry=FAST_RETRY), limiter=limiter
    )
    log = Journal(str(journal))
    try:
        executor = Executor(
            {"revcent": provider}, parallelism=parallelism, journal=log, retry=FAST_RETRY
        )
        report = executor.apply(plan)
    finally:
        log.close()
        provider.close()
    return report, limiter


def stats(sandbox):
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        return http.get("/_sandbox/stats").json()


def easypost_yaml(tmp_path, count, description="managed"):
    docs = [
        "kind: revcent/UserThirdPartyIntegration\n"
        f"name: Tracking {i}\nsite_integration: EasyPost\ndescription: {description}\n"
        for i in range(count)
    ]
    return write_yaml(tmp_path, "tracking.yaml", "---\n".join(docs))


def journal_events(path: Path):
    return [json.loads(line)["event"] for line in path.read_text().splitlines()]


def test_429_storm_is_absorbed_and_the_limiter_follows_retry_after(sandbox, tmp_path):
    sandbox.set_faults(FaultConfig(rate_limit=40, rate_limit_burst=2))
    path = easypost_yaml(tmp_path, 12)
    report, limiter = apply_core(sandbox, path, tmp_path / "j.jsonl", parallelism=12)
    assert report.summary_line() == "12 applied, 0 altered, 0 failed, 0 stale"
    seen = stats(sandbox)
    assert seen["rate_limited"] > 0
    assert limiter.throttled == seen["rate_limited"]
    sandbox.set_faults(FaultConfig())
    assert not make_plan(sandbox, path).has_changes


def test_5xx_bursts_are_retried(sandbox, tmp_path):
    sandbox.set_faults(FaultConfig(error_rate=0.2, seed=11))
    path = easypost_yaml(tmp_path, 8)
    report, _ = apply_core(sandbox, path, tmp_path / "j.jsonl")
    assert report.exit_code == 0, report.summary_line()
    assert stats(sandbox)["injected_errors"] > 0
    sandbox.set_faults(FaultConfig())
    assert sorted(list_names(sandbox)) == sorted(f"Tracking {i}" for i in range(8))


def test_create_whose_answer_is_dropped_is_adopted_not_duplicated(sandbox, tmp_path):
    sandbox.set_faults(FaultConfig(drop_rate=0.5, seed=3))
    path = easypost_yaml(tmp_path, 8)
    journal = tmp_path / "j.jsonl"
    report, _ = apply_core(sandbox, path, journal, parallelism=1)
    assert report.exit_code == 0, report.summary_line()
    assert stats(sandbox)["dropped"] > 0
    assert "adopted" in journal_events(journal)
    assert any(s.adopted for r in report.results for s in r.steps)
    sandbox.set_faults(FaultConfig())
    names = list_names(sandbox)
    assert sorted(names) == sorted(f"Tracking {i}" for i in range(8)), "no duplicates"


def test_dropped_edit_is_retried_and_verified(sandbox, tmp_path):
    for i in range(6):
        create_live(sandbox, f"Tracking {i}", catalog.EASYPOST, description="old")
    sandbox.set_faults(FaultConfig(drop_rate=0.5, seed=5))
    path = easypost_yaml(tmp_path, 6, description="new")
    report, _ = apply_core(sandbox, path, tmp_path / "j.jsonl", parallelism=1)
    assert report.summary_line() == "6 applied, 0 altered, 0 failed, 0 stale"
    seen = stats(sandbox)
    edits = seen["by_route"]["POST /v2/user_third_party_integrations/{id}"]
    assert seen["dropped"] > 0 and edits > 6
    assert all(s.status == "verified" for r in report.results for s in r.steps)


def test_altered_write_is_reported_with_exit_5(sandbox, tmp_path):
    live_id = create_live(sandbox, "Tracking 0", catalog.EASYPOST, description="old")
    sandbox.set_faults(FaultConfig(alter_rate=1.0))
    path = easypost_yaml(tmp_path, 1, description="new")
    report, _ = apply_core(sandbox, path, tmp_path / "j.jsonl")
    assert report.exit_code == 5
    result = report.results[0]
    assert (result.outcome, result.id) == ("altered", live_id)
    step = result.steps[0]
    assert step.status == "altered"
    assert [(m.path, m.expected) for m in step.mismatches] == [("description", "new")]
    assert step.mismatches[0].actual != "new"


AVALARA_OPTIONS = [
    {"id": "company", "fields": [{"id": "company_code", "value": ["DEFAULT"]}]},
]


def test_asset_gone_after_credential_change_stops_that_integration_only(
    sandbox, tmp_path, monkeypatch
):
    tax = create_live(
        sandbox,
        "Tax",
        catalog.AVALARA,
        credentials={"account_id": "1", "license_key": "l"},
        credential_id="avalara_credentials",
        options={"company": {"company_code": ["DEFAULT"]}},
    )
    create_live(sandbox, "Tracking 0", catalog.EASYPOST, description="old")
    monkeypatch.setenv("AVA_ACCOUNT", "2000999999")  # this account's assets: WHOLESALE, EU_TRADING
    monkeypatch.setenv("AVA_LICENSE", "lic")
    path = write_yaml(
        tmp_path,
        "mixed.yaml",
        """
        kind: revcent/UserThirdPartyIntegration
        name: Tax
        site_integration: Avalara
        credentials:
          id: avalara_credentials
          fields:
            account_id: {env: AVA_ACCOUNT}
            license_key: {env: AVA_LICENSE}
        options:
          company:
            company_code: BRAND_A
        ---
        kind: revcent/UserThirdPartyIntegration
        name: Tracking 0
        site_integration: EasyPost
        description: new
    """,
    )
    report, _ = apply_core(sandbox, path, tmp_path / "j.jsonl", rotate=("Tax",))
    assert report.exit_code == 4
    outcomes = {r.change.key: r for r in report.results}
    assert outcomes["Tracking 0"].outcome == "applied"
    failed = outcomes["Tax"]
    assert failed.outcome == "failed"
    assert [s.status for s in failed.steps] == ["verified", "failed"]
    assert failed.message == (
        "stopped before save options: 'BRAND_A' is not among the assets now listed for "
        "options.company.company_code (WHOLESALE, EU_TRADING); not guessing a replacement"
    )
    saved = get(sandbox, tax)["third_party_options_saved"]
    assert saved == AVALARA_OPTIONS, "options untouched"


def test_examples_under_faults_converge(demo_sandbox, tmp_path, monkeypatch):
    for key, value in EXAMPLE_SECRETS.items():
        monkeypatch.setenv(key, value)
    demo_sandbox.set_faults(FaultConfig(error_rate=0.1, drop_rate=0.1, jitter_ms=20, seed=9))
    examples = Path(__file__).resolve().parents[2] / "examples" / "integrations"
    report, _ = apply_core(demo_sandbox, examples, tmp_path / "j.jsonl")
    assert report.exit_code == 0, [(r.change.key, r.message) for r in report.results]
    demo_sandbox.set_faults(FaultConfig())
    assert not make_plan(demo_sandbox, examples).has_changes
    assert len(list_names(demo_sandbox)) == 9
