"""Shared test helpers: set up live state over the sandbox's HTTP API, plan, run the CLI.

These call the real sandbox on 127.0.0.1; nothing of the tool is mocked.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import httpx

from reconciler.cli import run
from reconciler.http import ApiSettings, RetryPolicy
from reconciler.plan import Plan
from reconciler.planner import Target, build_plan
from reconciler.providers.base import PlanOptions
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.workspace import load_workspace

USER = "/v2/user_third_party_integrations"


def client(sandbox: Any) -> httpx.Client:
    return httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}, timeout=10)


def create_live(
    sandbox: Any,
    name: str,
    site: str,
    *,
    description: str | None = None,
    credentials: dict[str, str] | None = None,
    credential_id: str | None = None,
    options: dict[str, dict[str, list[str]]] | None = None,
    enabled: bool = False,
) -> str:
    """Create a live integration the way a person would (create, options, enable)."""
    with client(sandbox) as http:
        body: dict[str, Any] = {"name": name, "site_third_party_integration": site}
        if description is not None:
            body["description"] = description
        if credentials is not None:
            body["third_party_credentials"] = {
                "id": credential_id,
                "fields": [{"id": k, "value": v} for k, v in credentials.items()],
            }
        answer = http.post(USER, json=body)
        assert answer.status_code == 200, answer.text
        new_id: str = answer.json()["user_third_party_integration_id"]
        if options:
            edit(sandbox, new_id, {"third_party_options": options_body(options)})
        if enabled:
            edit(sandbox, new_id, {"enabled": True})
        return new_id


def options_body(options: dict[str, dict[str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {"id": o, "fields": [{"id": f, "value": v} for f, v in fields.items()]}
        for o, fields in options.items()
    ]


def edit(sandbox: Any, integration_id: str, body: dict[str, Any]) -> None:
    with client(sandbox) as http:
        answer = http.post(f"{USER}/{integration_id}", json=body)
        assert answer.status_code == 200, answer.text


def get(sandbox: Any, integration_id: str) -> dict[str, Any]:
    with client(sandbox) as http:
        answer = http.get(f"{USER}/{integration_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


def list_names(sandbox: Any) -> list[str]:
    names: list[str] = []
    page = 1
    with client(sandbox) as http:
        while True:
            results = http.get(USER, params={"limit": 25, "page": page}).json()["results"]
            names += [r["name"] for r in results]
            if len(results) < 25:
                return names
            page += 1


def write_yaml(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def provider(sandbox: Any) -> RevCentProvider:
    return RevCentProvider(
        ApiSettings(
            base_url=sandbox.url, api_key=sandbox.api_key, retry=RetryPolicy(base_delay=0.01)
        )
    )


def make_plan(sandbox: Any, *paths: Path | str, rotate: tuple[str, ...] = ()) -> Plan:
    """Plan ``paths`` against the sandbox through the same core the CLI uses."""
    workspace = load_workspace([str(p) for p in paths])
    revcent = provider(sandbox)
    try:
        return build_plan(
            [Target(revcent, workspace.desired.get("revcent", []))],
            options=PlanOptions(frozenset(rotate)),
            config_fingerprint=workspace.fingerprint,
            config_paths=workspace.paths,
        )
    finally:
        revcent.close()


def cli(
    capsys: Any, monkeypatch: Any, sandbox: Any, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run the real CLI in-process against ``sandbox``; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("REVCENT_API_KEY", sandbox.api_key)
    monkeypatch.setenv("REVCENT_API_URL", sandbox.url)
    # The same sandbox serves Solvimon under /v1/, with the same key.
    monkeypatch.setenv("SOLVIMON_API_KEY", sandbox.api_key)
    monkeypatch.setenv("SOLVIMON_API_URL", sandbox.url)
    monkeypatch.setenv("NO_COLOR", "1")
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err
