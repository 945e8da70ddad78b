"""Several accounts: one directory each, each planned against its own account, no cross-talk.

The layout docs/ci.md documents: ``accounts/test/`` and ``accounts/live/``, each run with its
own ``REVCENT_API_KEY`` (here two sandboxes with different keys, as two RevCent accounts).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import cli, create_live, edit

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.server import RunningSandbox, start_sandbox


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[dict[str, RunningSandbox]]:
    with (
        start_sandbox(tmp_path / "test.db", api_key="key-of-the-test-account") as test,
        start_sandbox(tmp_path / "live.db", api_key="key-of-the-live-account") as live,
    ):
        yield {"test": test, "live": live}


def _tax(sandbox: RunningSandbox, code: str) -> str:
    return create_live(
        sandbox,
        "Main Tax",
        catalog.AVALARA,
        description="Tax.",
        credentials={"account_id": "1100223344", "license_key": "lk"},
        credential_id="avalara_credentials",
        options={"company": {"company_code": [code]}},
        enabled=True,
    )


def test_one_directory_per_account(accounts, tmp_path, capsys, monkeypatch):
    test, live = accounts["test"], accounts["live"]
    test_tax = _tax(test, "BRAND_A")
    _tax(live, "DEFAULT")
    create_live(test, "Sandbox Tracking", catalog.EASYPOST)
    create_live(live, "Voice", catalog.ELEVENLABS)
    root = tmp_path / "accounts"
    for name, sandbox in accounts.items():
        code, _, err = cli(capsys, monkeypatch, sandbox, "import", "--out", str(root / name))
        assert code == 0, err
    assert sorted(p.name for p in (root / "test").iterdir()) == [
        "main-tax.yaml",
        "sandbox-tracking.yaml",
    ]
    assert sorted(p.name for p in (root / "live").iterdir()) == ["main-tax.yaml", "voice.yaml"]

    # Each directory against its own account: nothing to do, nothing unmanaged.
    for name, sandbox in accounts.items():
        code, out, err = cli(
            capsys, monkeypatch, sandbox, "plan", str(root / name), "--detailed-exitcode"
        )
        assert code == 0, out + err
        assert out.endswith("Plan: 0 to create, 0 to update, 2 unchanged, 0 unmanaged. "
                            "No changes: the account matches the configuration.\n")  # fmt: skip

    # A change in one account shows in that account's directory only.
    edit(test, test_tax, {"description": "Changed in test."})
    code, out, _ = cli(capsys, monkeypatch, test, "drift", str(root / "test"))
    assert code == 2
    assert '    description  YAML "Tax."  live "Changed in test."\n' in out
    code, out, _ = cli(capsys, monkeypatch, live, "drift", str(root / "live"))
    assert code == 0, out

    # The wrong key for a directory never silently plans the other account's objects.
    code, out, err = cli(capsys, monkeypatch, live, "plan", str(root / "test"))
    assert (code, out) == (1, "")
    assert "id " in err and "does not exist in the account" in err
    code, out, _ = cli(capsys, monkeypatch, live, "drift", str(root / "test"), "--format", "json")
    assert code == 2
    assert '"missing": 2' in out
