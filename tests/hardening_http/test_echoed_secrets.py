"""Apply through a vendor that echoes request bodies: no form of a secret escapes.

The canary holds quotes, a backslash, spaces, a newline, a tab and non-ASCII, so each
encoding changes it; it reaches the vendor as a credential value from an environment variable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from echo_proxy import echo_proxy
from fake_vendor import echo_forms

from reconciler.redaction import forms_of
from reconciler.sandbox.server import start_sandbox

ROOT = Path(__file__).resolve().parents[2]
CANARY = 'c@n "ary"\\ with\nnew line, tab\t and ünïcødé ✓ 5e0b'
DOC = """kind: revcent/UserThirdPartyIntegration
name: Echo Ship
site_integration: EasyPost
description: managed
credentials:
  id: easypost_credentials
  fields:
    api_key: {env: ECHO_CANARY}
"""


def _forms() -> list[str]:
    found = set(forms_of(CANARY)) | {v for k, v in echo_forms(CANARY).items() if k != "cut"}
    # distinctive pieces too: a cut or a re-encoding must not leave them either
    return sorted(found | {"c@n", "5e0b", "ünïcødé"})


@pytest.mark.parametrize(
    "encoding", ["raw", "json", "quote", "quote_plus", "html", "collapsed", "base64"]
)
def test_a_vendor_echoing_the_credential_leaks_nothing(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "ship.yaml").write_text(DOC, encoding="utf-8")
    with (
        start_sandbox(tmp_path / "sandbox.db") as sandbox,
        echo_proxy(sandbox.url, encoding) as proxy,
    ):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "REVCENT_API_KEY": sandbox.api_key,
            "ECHO_CANARY": CANARY,
            "NO_COLOR": "1",
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "reconciler",
                "apply",
                "config",
                "--api-url",
                proxy.url,
                "--auto-approve",
                "--format",
                "json",
                "--journal",
                "journal.jsonl",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert proxy.writes >= 1  # the create went out and was echoed back
    # the vendor refused the only write, so nothing changed: exit 1, with the report
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    [result] = report["integrations"]
    assert result["outcome"] == "failed"
    assert "invalid request: you sent" in result["message"]
    assert "(sensitive)" in result["message"]
    journal = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert json.loads(journal.splitlines()[-1])["event"] == "finish"
    for text in (done.stdout, done.stderr, journal):
        for form in _forms():
            assert form not in text, (encoding, form)
