"""Sandbox hygiene (issue 13.7): no secret in the database file, owner-only file modes,
bounded paging, a warning when exposed with the default key, one-line request logs."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.sandbox.cli import exposure_warning
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.server import start_sandbox

ROOT = Path(__file__).resolve().parents[2]
USER = "/v2/user_third_party_integrations"
CANARY_KEY = "canary-Key-7f3a9c51e2"
CANARY_SECRET = "canary-Secret-0b8d44aa19"
CANARY_SOLVIMON = "canary-sk-live-5e1d2c9b77"
CANARIES = (CANARY_KEY, CANARY_SECRET, CANARY_SOLVIMON)


def _forms(secret: str) -> list[bytes]:
    """The byte forms a leaked secret could take in a file."""
    raw = secret.encode()
    return [
        raw,
        raw.lower(),
        secret.encode("utf-16-le"),
        base64.b64encode(raw),
        raw.hex().encode(),
        json.dumps(secret).encode(),
    ]


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=10)


def _shipstation(name: str, api_key: str, secret: str) -> dict[str, Any]:
    return {
        "name": name,
        "site_third_party_integration": catalog.SHIPSTATION,
        "enabled": False,
        "third_party_credentials": {
            "id": "shipstation_credentials",
            "fields": [
                {"id": "api_key", "value": api_key},
                {"id": "api_secret", "value": secret},
            ],
        },
    }


def _stripe(reference: str, secret: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "name": "Stripe",
        "description": "Card payments.",
        "type": "PAYMENT_GATEWAY",
        "status": "DRAFT",
        "authentication": {"api_key": {"header": "Authorization", "value": secret}},
        "payment_gateway": {
            "variant": "STRIPE",
            "stripe": {"public_key": "pk_test_1", "signing_secret": secret + "-whsec"},
        },
    }


def _store_options(client: httpx.Client, rid: str) -> list[str]:
    got = client.get(f"{USER}/{rid}").json()
    options = got["site_third_party_integration"]["third_party_options"]
    store = next(o for o in options if o["id"] == "store")
    return list(store["fields"][0]["select_settings"]["options"])


def _file_bytes(db: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()
    )


def test_database_holds_no_credential_in_any_form(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with start_sandbox(db) as sb, _client(sb.url, sb.api_key) as client:
        made = client.post(USER, json=_shipstation("Canary", CANARY_KEY, CANARY_SECRET))
        assert made.status_code == 200, made.text
        rid = made.json()["user_third_party_integration_id"]
        # A credentials edit (same values again, then new ones) also stores no plain value.
        edit = {
            "third_party_credentials": _shipstation("", CANARY_KEY + "2", CANARY_SECRET)[
                "third_party_credentials"
            ]
        }
        assert client.post(f"{USER}/{rid}", json=edit).status_code == 200
        resp = client.post("/v1/integrations", json=_stripe("canary-stripe", CANARY_SOLVIMON))
        assert resp.status_code in (200, 201), resp.text
        sid = resp.json()["id"]
        patch = _stripe("canary-stripe", CANARY_SOLVIMON)
        del patch["status"]
        patch["linked_resources_configurations"] = []
        del patch["authentication"]["api_key"]["value"]  # omitted secret keeps its saved one
        assert client.patch(f"/v1/integrations/{sid}", json=patch).status_code == 200
        shown = client.get(f"/v1/integrations/{sid}").json()
        assert shown["authentication"]["api_key"]["value"] == "********"
        data = _file_bytes(db)
    data += _file_bytes(db)  # after close: checkpointed into the main file
    for canary in CANARIES:
        for form in _forms(canary):
            assert form not in data, (canary, form)
    with sqlite3.connect(db) as conn:
        (saved,) = conn.execute("SELECT credential_values FROM integrations").fetchone()
    values = json.loads(saved)
    assert set(values) == {"api_key", "api_secret"}
    assert all(v.startswith("hmac-sha256:") and len(v) == 12 + 64 for v in values.values())


def test_assets_still_follow_the_saved_key_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with start_sandbox(db) as sb, _client(sb.url, sb.api_key) as client:
        other = client.post(USER, json=_shipstation("Other", "ss-other-account", "s1"))
        main = client.post(USER, json=_shipstation("Main", "ss-main", "s2"))
        other_id = other.json()["user_third_party_integration_id"]
        main_id = main.json()["user_third_party_integration_id"]
        assert _store_options(client, other_id) == ["outlet-store"]
        assert _store_options(client, main_id) == ["main-store", "brand-a-store", "brand-b-store"]
    with start_sandbox(db) as sb, _client(sb.url, sb.api_key) as client:
        assert _store_options(client, other_id) == ["outlet-store"]
        sent = {
            "third_party_options": [
                {"id": "store", "fields": [{"id": "store_id", "value": ["outlet-store"]}]}
            ]
        }
        assert client.post(f"{USER}/{other_id}", json=sent).status_code == 200


def test_plain_credentials_of_an_older_database_are_fingerprinted_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with start_sandbox(db) as sb, _client(sb.url, sb.api_key) as client:
        made = client.post(USER, json=_shipstation("Old", "ss-other-account", "s1"))
        rid = made.json()["user_third_party_integration_id"]
    with sqlite3.connect(db) as conn:  # what an older sandbox wrote
        plain = json.dumps({"api_key": "ss-other-account", "api_secret": CANARY_SECRET})
        conn.execute("UPDATE integrations SET credential_values = ?", (plain,))
        conn.execute("DELETE FROM meta WHERE key = 'credentials_fingerprinted'")
    with start_sandbox(db) as sb, _client(sb.url, sb.api_key) as client:
        assert _store_options(client, rid) == ["outlet-store"]
    for form in _forms(CANARY_SECRET):
        assert form not in _file_bytes(db)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_database_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    old_umask = os.umask(0o022)
    try:
        with start_sandbox(db) as sb, _client(sb.url, sb.api_key) as client:
            client.post(USER, json=_shipstation("M", "k", "s"))
            assert _mode(db) == 0o600
            assert _mode(Path(f"{db}-wal")) == 0o600
            assert _mode(Path(f"{db}-shm")) == 0o600
        older = tmp_path / "older.db"
        sqlite3.connect(older).close()
        os.chmod(older, 0o644)
        with start_sandbox(older):
            assert _mode(older) == 0o600
    finally:
        os.umask(old_umask)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[httpx.Client]:
    with start_sandbox(tmp_path / "sandbox.db") as sb, _client(sb.url, sb.api_key) as c:
        yield c


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (f"page={10**30}", "page"),
        ("page=1000000001", "page"),
        ("page=0", "page"),
        ("page=%C2%B2", "page"),  # '²': str.isdigit() is True, int() refuses it
        ("page=-1", "page"),
        ("limit=" + "9" * 5000, "limit"),
        ("limit=0", "limit"),
    ],
)
def test_revcent_list_paging_out_of_range_is_a_400(
    client: httpx.Client, query: str, name: str
) -> None:
    for path, top in ((USER, 25), ("/v2/site_third_party_integrations", 25)):
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 400, resp.text
        body = resp.json()
        bound = top if name == "limit" else 1_000_000_000
        assert body["code"] == 0
        assert body["result"] == "error"
        assert body["error_code"] == "invalid_parameter"
        assert body["message"] == f"{name}: must be an integer within 1..{bound}"


@pytest.mark.parametrize(
    ("query", "name", "top"),
    [
        (f"page={10**30}", "page", 1_000_000_000),
        ("page=%C2%B2", "page", 1_000_000_000),
        ("limit=101", "limit", 100),
        ("limit=" + "9" * 5000, "limit", 100),
    ],
)
def test_solvimon_list_paging_out_of_range_is_a_400(
    client: httpx.Client, query: str, name: str, top: int
) -> None:
    resp = client.get(f"/v1/integrations?{query}")
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["code"] == "BAD_REQUEST"
    assert body["field"] == name
    assert body["message"] == f"{name}: must be an integer within 1..{top}"


def test_largest_page_is_an_empty_page(client: httpx.Client) -> None:
    resp = client.get(f"{USER}?page=1000000000")
    assert resp.status_code == 200
    assert resp.json()["results"] == []
    assert client.get("/v1/integrations?page=1000000000&limit=100").status_code == 200


WARNING = (
    "warning: the sandbox listens on 0.0.0.0, beyond this machine, with the well-known "
    "default API key 'sandbox'; anyone who can reach it can read and change its data. Set "
    "--api-key (or RECONCILER_SANDBOX_API_KEY) to a secret value, or serve on --host 127.0.0.1."
)


def test_exposure_warning_rules() -> None:
    assert exposure_warning("0.0.0.0", "sandbox") == WARNING
    assert exposure_warning("192.168.1.5", "sandbox") is not None
    assert exposure_warning("::", "sandbox") is not None
    for loopback in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert exposure_warning(loopback, "sandbox") is None
    assert exposure_warning("0.0.0.0", "a-real-secret") is None


def _serve(tmp_path: Path, *args: str) -> tuple[str, str]:
    """Start ``sandbox serve`` (port 0), wait for its ready line, stop it; (stdout, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("RECONCILER_SANDBOX_API_KEY", None)
    cmd = [
        sys.executable,
        "-m",
        "reconciler",
        "sandbox",
        "serve",
        "--port",
        "0",
        "--db",
        str(tmp_path / "s.db"),
        "--no-seed-demo",
        *args,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 20
        line = proc.stdout.readline()  # the ready line; bounded by the deadline check below
        assert time.monotonic() < deadline and "sandbox on http://" in line, line
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    return line + out, err


def test_serve_on_all_interfaces_with_default_key_warns(tmp_path: Path) -> None:
    _, err = _serve(tmp_path, "--host", "0.0.0.0")
    assert err.splitlines()[0] == WARNING


def test_serve_on_loopback_or_with_own_key_does_not_warn(tmp_path: Path) -> None:
    _, err = _serve(tmp_path)
    assert "warning" not in err
    _, err = _serve(tmp_path, "--host", "0.0.0.0", "--api-key", "s3cret-of-mine")
    assert "warning" not in err


def test_request_log_escapes_control_characters(tmp_path: Path) -> None:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger = logging.getLogger("reconciler.sandbox.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with start_sandbox(tmp_path / "s.db") as sb, _client(sb.url, sb.api_key) as client:
            resp = client.get("/v2/x%0AGET%20/v2/forged%20200%200.1ms%0D%1B%5B31m%5Cn")
            assert resp.status_code == 404
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].rsplit(" ", 2)[1] == "404"
    assert lines[0].startswith("GET /v2/x\\nGET /v2/forged 200 0.1ms\\r\\x1b[31m\\\\n 404 "), lines[
        0
    ]
    assert "\x1b" not in lines[0]
