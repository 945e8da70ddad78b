"""API failures reach the user as one clear line and exit 1, never a traceback."""

from __future__ import annotations

import socket
import time

import pytest
from helpers import cli, create_live, make_plan, write_yaml

from reconciler.cli import run
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog

DOC = """
    kind: revcent/UserThirdPartyIntegration
    name: Tracking
    site_integration: EasyPost
    description: managed
"""


def test_wrong_api_key_is_an_auth_error(sandbox, tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "t.yaml", DOC)
    code, out, err = cli(
        capsys, monkeypatch, sandbox, "plan", str(path), env={"REVCENT_API_KEY": "wrong-key-123"}
    )
    assert code == 1 and out == ""
    assert err.startswith("error: GetUserThirdPartyIntegrations: HTTP 401 ")
    assert "Traceback" not in err and "wrong-key-123" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_api_key_says_what_to_do(tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "t.yaml", DOC)
    monkeypatch.delenv("REVCENT_API_KEY", raising=False)
    assert run(["plan", str(path)]) == 1
    assert capsys.readouterr().err == (
        "error: REVCENT_API_KEY is not set: export the revcent API key in the environment "
        "(never on the command line), or add --sandbox to run against the local sandbox\n"
    )


@pytest.mark.parametrize("transport", [None, "httpx"])
def test_unreachable_api_is_a_transport_error(tmp_path, capsys, monkeypatch, transport):
    """Either transport names the failure as httpx does (ours translates httpx's own)."""
    if transport:
        monkeypatch.setenv("RECONCILER_HTTP_TRANSPORT", transport)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = write_yaml(tmp_path, "t.yaml", DOC)
    monkeypatch.setenv("REVCENT_API_KEY", "k")
    monkeypatch.setenv("RECONCILER_RETRY_BASE_DELAY", "0.01")  # the retries, without the wait
    code = run(["plan", str(path), "--api-url", f"http://127.0.0.1:{port}", "--timeout", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: GetUserThirdPartyIntegrations: connection failed (ConnectError")


@pytest.mark.parametrize("transport", [None, "httpx"])
def test_slow_api_times_out_cleanly(sandbox, tmp_path, capsys, monkeypatch, transport):
    if transport:
        monkeypatch.setenv("RECONCILER_HTTP_TRANSPORT", transport)
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    sandbox.set_faults(FaultConfig(latency_ms=1500))
    path = write_yaml(tmp_path, "t.yaml", DOC)
    started = time.monotonic()
    fast = {"RECONCILER_RETRY_BASE_DELAY": "0.01"}  # six timeouts, without the backoff
    code, _, err = cli(
        capsys, monkeypatch, sandbox, "plan", str(path), "--timeout", "0.3", env=fast
    )
    assert code == 1
    assert err == (
        "error: GetUserThirdPartyIntegrations: no answer within 0.3s (ReadTimeout) "
        "(gave up after 6 attempts)\n"
    )
    assert time.monotonic() - started < 30


def test_reads_run_concurrently(sandbox, tmp_path):
    docs = []
    for i in range(24):
        create_live(sandbox, f"Tracking {i}", catalog.EASYPOST)
        docs.append(
            f"kind: revcent/UserThirdPartyIntegration\nname: Tracking {i}\n"
            "site_integration: EasyPost\n"
        )
    path = write_yaml(tmp_path, "many.yaml", "---\n".join(docs))
    sandbox.set_faults(FaultConfig(latency_ms=100))
    started = time.monotonic()
    plan = make_plan(sandbox, path)
    elapsed = time.monotonic() - started
    assert len(plan.changes) == 24
    # 24 Gets one after another would take 2.4 s; at 16 in flight about 0.5 s with the list.
    assert elapsed < 1.5, elapsed


def test_validate_live_sandbox_passes_on_examples_with_notes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    examples = Path(__file__).resolve().parents[1] / "examples" / "integrations"
    assert run(["validate", str(examples)]) == 0
    assert capsys.readouterr().out == (
        "ok: 11 integration(s) in 9 file(s) are valid (schema checks)\n"
    )
    assert run(["validate", str(examples), "--live", "--sandbox"]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: 11 integration(s) in 9 file(s) are valid (live catalog checks)\n"
    notes = [line for line in err.splitlines() if ": note: " in line]
    assert any("shipping.yaml" in n and "store" in n for n in notes), err
