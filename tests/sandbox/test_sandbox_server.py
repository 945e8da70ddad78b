"""Starting, stopping, persistence, the demo account, the CLI, and the seed copies."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner
from contract.vendor_seeds import SEEDS, seed_operation
from jsonschema import Draft202012Validator

from reconciler.sandbox.cli import sandbox as sandbox_cli
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.bodies import request_schema
from reconciler.sandbox.revcent.errors import ERROR_CODES
from reconciler.sandbox.server import start_sandbox

ROOT = Path(__file__).resolve().parents[2]
# The README says how to start the sandbox; docs/sandbox.md is its reference.
SANDBOX_DOCS = "".join(
    (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/sandbox.md")
)

USER = "/v2/user_third_party_integrations"
EXAMPLES = ROOT / "examples" / "integrations"


def _client(running: Any) -> httpx.Client:
    return httpx.Client(base_url=running.url, headers={"x-api-key": running.api_key})


def _by_name(client: httpx.Client) -> dict[str, dict[str, Any]]:
    items = client.get(USER).json()["results"]
    return {i["name"]: i for i in items}


def test_start_is_fast_and_url_works(tmp_path: Path) -> None:
    started = time.perf_counter()
    running = start_sandbox(tmp_path / "db.sqlite", api_key="k")
    elapsed = time.perf_counter() - started
    try:
        assert elapsed < 0.3, elapsed
        assert re.match(r"^http://127\.0\.0\.1:\d+$", running.url)
        with _client(running) as client:
            assert client.get(USER).status_code == 200
    finally:
        running.stop()
    running.stop()  # idempotent


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    creds = {"id": "easypost_credentials", "fields": [{"id": "api_key", "value": "k"}]}
    with start_sandbox(db) as first, _client(first) as client:
        new_id = client.post(
            USER,
            json={
                "name": "E",
                "site_third_party_integration": catalog.EASYPOST,
                "third_party_credentials": creds,
            },
        ).json()["user_third_party_integration_id"]
        client.post(f"{USER}/{new_id}", json={"enabled": True, "description": "kept"})
        before = client.get(f"{USER}/{new_id}").json()
    with start_sandbox(db) as second, _client(second) as client:
        after = client.get(f"{USER}/{new_id}").json()
    for key in ("id", "name", "description", "enabled", "third_party_credentials_saved"):
        assert after[key] == before[key]


def test_demo_account_is_seeded_once(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with start_sandbox(db, seed_demo=True) as running, _client(running) as client:
        demo = _by_name(client)
        assert list(demo) == [
            "Main Tax Provider - Production",
            "Tracking - EasyPost",
            "AI Provider - Support Assistant",
            "Legacy Tax - TaxJar v1",
        ]
        legacy = demo["Legacy Tax - TaxJar v1"]
        assert legacy["site_third_party_integration"]["id"] == catalog.TAXJAR_LEGACY
        assert legacy["enabled"] is False and legacy["third_party_credentials_saved"]
        # A user's change, then a restart with seeding asked again: nothing is re-seeded.
        client.post(f"{USER}/{legacy['id']}", json={"name": "Mine now"})
    with start_sandbox(db, seed_demo=True) as running, _client(running) as client:
        names = list(_by_name(client))
        assert "Mine now" in names and len(names) == 4
        client.post("/_sandbox/reset")
    with start_sandbox(db, seed_demo=True) as running, _client(running) as client:
        assert "Legacy Tax - TaxJar v1" in _by_name(client)


def _example(file: str, name: str) -> dict[str, Any]:
    for doc in yaml.safe_load_all((EXAMPLES / file).read_text(encoding="utf-8")):
        if doc and doc.get("name") == name:
            return doc  # type: ignore[no-any-return]
    raise AssertionError(f"{name} not in {file}")


def _options(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Saved options in the examples' YAML form: single values unwrapped."""
    return {
        o["id"]: {
            f["id"]: f["value"][0] if len(f["value"]) == 1 else f["value"] for f in o["fields"]
        }
        for o in item["third_party_options_saved"]
    }


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not present")
def test_demo_account_matches_the_examples(sandbox: Any) -> None:
    with _client(sandbox) as client:
        client.post("/_sandbox/reset", json={"seed_demo": True})
        demo = _by_name(client)
    cases = [
        ("tax-avalara.yaml", "Main Tax Provider - Production", {}),
        ("shipping.yaml", "Tracking - EasyPost", {}),
        (
            "ai-openai.yaml",
            "AI Provider - Support Assistant",
            {"description": "Powers the support AI Assistant."},
        ),
    ]
    for file, name, differs in cases:
        want, got = _example(file, name), demo[name]
        assert got["site_third_party_integration"]["name"] == want["site_integration"]
        assert got["third_party_credentials_saved"] == [want["credentials"]["id"]]
        assert got["enabled"] == want["enabled"]
        assert _options(got) == want.get("options", {})
        assert got["description"] == differs.get("description", want["description"])
        if differs:
            assert got["description"] != want["description"]


def test_cli_reset_empties_the_database(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with start_sandbox(db, seed_demo=True):
        pass
    result = CliRunner().invoke(sandbox_cli, ["reset", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert str(db) in result.output
    with start_sandbox(db) as running, _client(running) as client:
        assert client.get(USER).json()["current_count"] == 0


def test_cli_help_lists_every_fault_flag() -> None:
    result = CliRunner().invoke(sandbox_cli, ["serve", "--help"])
    assert result.exit_code == 0
    for flag in (
        "--latency-ms",
        "--jitter-ms",
        "--rate-limit",
        "--error-rate",
        "--drop-rate",
        "--alter-rate",
        "--fault-seed",
        "--seed-demo",
        "--api-key",
        "--verbose",
    ):
        assert flag in result.output


def test_cli_serve_end_to_end(tmp_path: Path) -> None:
    """The real command in a process: env key, access log on stderr, no secret anywhere."""
    env = {
        **os.environ,
        "RECONCILER_SANDBOX_API_KEY": "from-env",
        "RECONCILER_SANDBOX_LATENCY_MS": "1",
    }
    code = "from reconciler.sandbox.cli import sandbox; sandbox()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", "0", "--db", str(tmp_path / "db"), "-v"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        url = re.search(r"http://\S+", banner)
        assert url, banner
        assert "from-env" not in banner
        headers = {"x-api-key": "from-env"}
        secret = "sk-very-secret-value"
        creds = {"id": "openai_credentials", "fields": [{"id": "api_key", "value": secret}]}
        with httpx.Client(base_url=url.group(0), headers=headers) as client:
            assert len(_by_name(client)) == 4  # --seed-demo is the default
            created = client.post(
                USER,
                json={
                    "name": "AI 2",
                    "site_third_party_integration": catalog.OPENAI,
                    "third_party_credentials": creds,
                },
            )
            assert created.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "POST /v2/user_third_party_integrations 200" in err
    assert secret not in out + err and "from-env" not in out + err


@pytest.mark.skipif(not SEEDS.is_dir(), reason="vendor seeds (../shared) not present")
@pytest.mark.parametrize(("kind", "prefix"), [("create", "001"), ("edit", "000")])
def test_schema_copies_equal_the_seeds(kind: str, prefix: str) -> None:
    seed = json.loads(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8"))
    original = seed["requestBody"]["content"]["application/json"]["schema"]
    assert request_schema(kind) == original  # type: ignore[arg-type]


def test_merged_get_schema_is_needed_and_strict(
    vendor_schemas: dict[str, Any], sandbox_api: Any
) -> None:
    """The seed's literal allOf rejects every answer; the merge takes ours, minus extras."""
    new_id = sandbox_api.create(name="E", site_third_party_integration=catalog.EASYPOST)
    answer = sandbox_api.get(new_id)
    get = seed_operation("003")  # skips, naming the folder, where the vendor's seeds are absent
    literal = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert not Draft202012Validator(literal).is_valid(answer)
    merged = Draft202012Validator(vendor_schemas["get"])
    assert merged.is_valid(answer)
    assert not merged.is_valid({**answer, "extra": 1})
    assert not merged.is_valid({k: v for k, v in answer.items() if k != "enabled"})


def test_docs_list_every_error_code() -> None:
    docs = SANDBOX_DOCS
    for code, (status, _) in ERROR_CODES.items():
        assert re.search(rf"\|\s*{status}\s*\|\s*`{code}`", docs), code


def test_docs_list_the_catalog() -> None:
    docs = SANDBOX_DOCS
    for site in catalog.SITE_INTEGRATIONS:
        assert f"`{site['id']}`" in docs
        assert f"`{site['third_party_credentials']['id']}`" in docs
        for option in site["third_party_options"]:
            for field in option["fields"]:
                assert f"`{field['id']}`" in docs, (site["name"], field["id"])


def test_docs_list_every_cli_option() -> None:
    docs = SANDBOX_DOCS
    for name, command in sandbox_cli.commands.items():
        assert f"reconciler sandbox {name}" in docs
        for param in command.params:
            for option in [*param.opts, *param.secondary_opts]:
                if option.startswith("--") and option != "--help":
                    assert option in docs, (name, option)
