"""``reconciler test-connection NAME [PATHS]`` against the real sandbox: exit codes, the vendor's
reason, every format, nothing written, no secret shown."""

from __future__ import annotations

import json
from typing import Any

from helpers import cli, write_yaml
from solvimon_support import TAX, TAX_YAML, create, get, stats

CANARY = "reject-canary-0d4b"
REVCENT = """
kind: revcent/UserThirdPartyIntegration
name: shop-tax
enabled: false
site_integration: TaxJar
"""


def _run(capsys: Any, monkeypatch: Any, sandbox: Any, *args: str, key: str | None = "lk-1"):
    env = {"AVATAX_LICENSE_KEY": key} if key is not None else {}
    if key is None:
        monkeypatch.delenv("AVATAX_LICENSE_KEY", raising=False)
    return cli(capsys, monkeypatch, sandbox, "test-connection", *args, env=env)


def test_a_working_connection_exits_0(sandbox, tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    code, out, err = _run(capsys, monkeypatch, sandbox, "avatax-eu", str(path))
    assert (code, out, err) == (0, "avatax-eu (solvimon): connection ok: connected to AvaTax\n", "")
    # nothing written: one list (to find it live) and the test
    assert stats(sandbox)["by_route"] == {
        "GET /v1/integrations": 1,
        "POST /v1/integrations/test-connection": 1,
    }


def test_a_refused_connection_exits_1_with_the_reason(sandbox, tmp_path, capsys, monkeypatch):
    live = create(sandbox, TAX)
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    code, out, err = _run(capsys, monkeypatch, sandbox, "avatax-eu", str(path), key=CANARY)
    assert (code, err) == (1, "")
    assert out == (
        "avatax-eu (solvimon): connection test failed: AvaTax refused the credentials "
        "(authentication.username_password.password): 401\n"
    )
    assert CANARY not in out + err
    assert stats(sandbox)["by_route"] == {
        "POST /v1/integrations": 1,  # the create() above
        "GET /v1/integrations": 1,
        "POST /v1/integrations/test-connection": 1,
    }
    assert get(sandbox, live["id"])["status"] == "DRAFT"  # unchanged


def test_json_and_markdown(sandbox, tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    code, out, _ = _run(
        capsys, monkeypatch, sandbox, "avatax-eu", str(path), "--format", "json", key=CANARY
    )
    assert code == 1
    assert json.loads(out) == {
        "name": "avatax-eu",
        "provider": "solvimon",
        "successful": False,
        "message": "AvaTax refused the credentials (authentication.username_password.password): "
        "401",
    }
    code, out, _ = _run(
        capsys, monkeypatch, sandbox, "avatax-eu", str(path), "--format", "markdown"
    )
    assert (code, out) == (
        0,
        "✅ **avatax-eu** (solvimon): connection ok: connected to AvaTax\n",
    )


def test_paths_default_to_the_current_directory(sandbox, tmp_path, capsys, monkeypatch):
    write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, monkeypatch, sandbox, "avatax-eu")
    assert (code, out) == (0, "avatax-eu (solvimon): connection ok: connected to AvaTax\n")


def test_errors_exit_1_with_one_clear_line(sandbox, tmp_path, capsys, monkeypatch):
    path = write_yaml(tmp_path, "tax.yaml", TAX_YAML)
    code, out, err = _run(capsys, monkeypatch, sandbox, "avatax-us", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f"error: no integration 'avatax-us' in {path}: NAME is the integration's natural key "
        "as its YAML writes it (a Solvimon reference)\n"
    )
    code, out, err = _run(capsys, monkeypatch, sandbox, "avatax-eu", str(path), key=None)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:10:15: avatax-eu: credential field 'authentication.username_password"
        ".password' refers to environment variable AVATAX_LICENSE_KEY, which is not set "
        "(export AVATAX_LICENSE_KEY before running apply)",
        "1 error(s): nothing was sent.",
    ]
    revcent = write_yaml(tmp_path, "shop.yaml", REVCENT)
    code, out, err = _run(capsys, monkeypatch, sandbox, "shop-tax", str(revcent))
    assert (code, out, err) == (1, "", "error: shop-tax: revcent offers no connection test\n")


def test_credentials_saved_only_in_solvimon_cannot_be_tested(
    sandbox, tmp_path, capsys, monkeypatch
):
    create(sandbox, TAX)
    text = TAX_YAML.replace("    password: {env: AVATAX_LICENSE_KEY}\n", "")
    path = write_yaml(tmp_path, "tax.yaml", text)
    code, out, err = _run(capsys, monkeypatch, sandbox, "avatax-eu", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        f"{path}:8:3: avatax-eu: the connection is not tested before activate: Solvimon "
        "tests the credentials sent with the request, and this file does not hold "
        "authentication.username_password.password (saved in Solvimon only, which never shows "
        "it); write it as {env: …} to have it tested"
    )
