"""``reconciler credentials`` in a subprocess against the sandbox: in a real browser, and over
plain HTTP for the refusals (expired, stale assets, lost answer, Ctrl-C, no terminal)."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser import chromium, find_chromium
from helpers import create_live, get, write_yaml

from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog

ROOT = Path(__file__).resolve().parents[2]
NAME = "Shipping - ShipStation"
YAML = f"""\
kind: revcent/UserThirdPartyIntegration
name: {NAME}
site_integration: ShipStation
credentials:
  id: shipstation_credentials
  secure_form: true
options:
  store: {{store_id: outlet-store}}
"""
WAIT = 60.0  # seconds any step may take before the test fails: only a hang trips it


class Command:
    """``reconciler credentials …`` running in a subprocess against the sandbox."""

    def __init__(self, sandbox: Any, *args: str):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "REVCENT_API_URL": sandbox.url,
            "REVCENT_API_KEY": sandbox.api_key,
            "NO_COLOR": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", "credentials", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def url(self) -> str:
        """The first stdout line, read within WAIT seconds."""
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], WAIT)
        assert ready, "the command printed no URL"
        return self.process.stdout.readline().strip()

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=WAIT)
        return self.process.returncode, out, err


def form_id(sandbox: Any) -> str:
    with sqlite3.connect(sandbox.db_path) as db:
        (found,) = db.execute("select id from secure_forms order by created_unix desc").fetchone()
        return str(found)


def wait_for_polls(sandbox: Any, at_least: int) -> None:
    """Until the command has asked GetSecureForm ``at_least`` times (bounded)."""
    deadline = time.monotonic() + WAIT
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        while time.monotonic() < deadline:
            stats = http.get("/_sandbox/stats").json()["by_route"]
            if stats.get("GET /v2/secure_forms/{id}", 0) >= at_least:
                return
            time.sleep(0.05)
    raise AssertionError("the command never polled the form")


@pytest.fixture
def ship(sandbox: Any, tmp_path: Path) -> tuple[str, Path]:
    path = write_yaml(tmp_path, "ship.yaml", YAML)
    return create_live(sandbox, NAME, catalog.SHIPSTATION), path


CHROMIUM = find_chromium()


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium browser found (chromium, chromium-browser or google-chrome); "
    ".ci/run installs the Debian 'chromium' package where apt-get is available",
)
def test_a_person_fills_the_form_in_a_real_browser(sandbox: Any, ship: tuple[str, Path]) -> None:
    integration, path = ship
    command = Command(sandbox, NAME, str(path), "--wait", "--poll-interval", "0.1")
    url = command.url()
    assert url.startswith(f"{sandbox.url}/secure_form/")

    async def person() -> tuple[str, str, str]:
        assert CHROMIUM is not None
        async with chromium(CHROMIUM) as browser:
            first, second = await browser.new_tab(), await browser.new_tab()
            await first.goto(url)
            await second.goto(url)  # the same form open twice, e.g. in two tabs
            title = str(await first.evaluate("document.title"))
            await first.type_into("#api_key", "ss-other-account")
            await first.type_into("#api_secret", "browser-typed-secret")
            done = await first.submit("#submit")
            await second.type_into("#api_key", "another-key")
            await second.type_into("#api_secret", "another-secret")
            refused = await second.submit("#submit")
            return title, done, refused

    title, done, refused = asyncio.run(person())
    assert title == "Enter credentials"
    assert done.startswith("Credentials received\n\nThank you: the credentials were received.")
    assert refused.startswith(
        "Secure form completed\n\nThis secure form is already completed and cannot be changed."
    )
    code, out, err = command.finish()
    assert code == 0, err
    assert out == ""  # stdout held the URL line alone (read above)
    assert err.splitlines()[-3:] == [
        f"credentials 'shipstation_credentials' are saved for '{NAME}' "
        "(checked by reading it back)",
        "assets now offered: options.store.store_id: outlet-store",
        f"next: reconciler plan {path}   (options and enabling, as the YAML says)",
    ]
    assert get(sandbox, integration)["third_party_credentials_saved"] == ["shipstation_credentials"]
    for secret in ("browser-typed-secret", "another-secret"):
        assert secret not in out + err


def test_refuses_without_a_terminal(sandbox: Any, ship: tuple[str, Path]) -> None:
    code, out, err = Command(sandbox, NAME).finish()
    assert (code, out) == (1, "")
    assert err == (
        "error: reconciler credentials is interactive: a person fills in the form; run it in a "
        "terminal (or pass --wait to wait without one)\n"
    )


def test_integration_must_exist(sandbox: Any) -> None:
    code, _, err = Command(sandbox, "Nope", "--wait").finish()
    assert code == 1
    assert err == (
        "error: 'Nope' does not exist in RevCent: run 'reconciler apply' first (it creates it "
        "without credentials, disabled)\n"
    )


def test_yaml_must_say_secure_form(sandbox: Any, tmp_path: Path, ship: Any) -> None:
    path = write_yaml(
        tmp_path,
        "env.yaml",
        YAML.replace(
            "  secure_form: true\n",
            "  external: false\n  fields: {api_key: {env: K}, api_secret: {env: S}}\n",
        ),
    )
    code, _, err = Command(sandbox, NAME, str(path), "--wait").finish()
    assert code == 1
    assert err == (
        f"error: {path}:5: {NAME}: the YAML does not say its credentials are entered by a "
        "person; write credentials: {id: …, secure_form: true} (apply would otherwise send or "
        "leave them)\n"
    )


def test_expiry_while_waiting(sandbox: Any, ship: tuple[str, Path]) -> None:
    integration, _ = ship
    command = Command(sandbox, NAME, "--wait", "--poll-interval", "0.05")
    url = command.url()
    wait_for_polls(sandbox, 1)
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        form = form_id(sandbox)
        assert (
            http.post(f"/_sandbox/secure_forms/{form}/age", json={"seconds": 3600}).status_code
            == 200
        )
    code, out, err = command.finish()
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        f"error: {NAME}: secure form {form} expired before it was completed (a form lives one "
        "hour): nothing was saved; run the command again for a new form"
    )
    assert httpx.post(url, data={"api_key": "a", "api_secret": "b"}).status_code == 410
    assert get(sandbox, integration)["third_party_credentials_saved"] == []


def test_ctrl_c_while_waiting(sandbox: Any, ship: tuple[str, Path]) -> None:
    command = Command(sandbox, NAME, "--wait", "--poll-interval", "0.05")
    command.url()
    wait_for_polls(sandbox, 1)
    command.process.send_signal(signal.SIGINT)
    code, _, err = command.finish()
    assert code == 130
    assert err.splitlines()[-1].startswith(
        "Interrupted: nothing was saved; the form expires unused at "
    )
    assert "Traceback" not in err


def test_saved_option_no_longer_offered_stops(sandbox: Any, ship: tuple[str, Path]) -> None:
    old = create_live(
        sandbox,
        "Old ShipStation",
        catalog.SHIPSTATION,
        credentials={"api_key": "k", "api_secret": "s"},
        credential_id="shipstation_credentials",
        options={"store": {"store_id": ["main-store"]}},
    )
    command = Command(sandbox, "Old ShipStation", "--wait", "--poll-interval", "0.05")
    url = command.url()
    assert (
        httpx.post(url, data={"api_key": "ss-other-account", "api_secret": "x"}).status_code == 200
    )
    code, _, err = command.finish()
    assert code == 1
    assert err.splitlines()[-1] == (
        "error: Old ShipStation: options.store.store_id: 'main-store' (saved) is no longer "
        "offered by the account with the new credentials (assets now: outlet-store); choose one "
        "of them for options.store.store_id in the YAML, then plan (nothing is guessed)"
    )
    assert get(sandbox, old)["third_party_credentials_saved"] == ["shipstation_credentials"]


def test_lost_answer_to_the_edit_is_saved_once(sandbox: Any, ship: tuple[str, Path]) -> None:
    integration, _ = ship
    command = Command(sandbox, NAME, "--wait", "--poll-interval", "0.05")
    url = command.url()
    sandbox.set_faults(FaultConfig(drop_rate=1.0, seed=1))  # the Edit commits, no answer
    assert (
        httpx.post(url, data={"api_key": "ss-other-account", "api_secret": "x"}).status_code == 200
    )
    code, _, err = command.finish()
    assert code == 0, err
    assert get(sandbox, integration)["third_party_credentials_saved"] == ["shipstation_credentials"]
