"""The real CLI against hostile fake vendors: one clear line, bounded time, no secret leaks."""

from __future__ import annotations

import email.utils
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fake_vendor import FakeVendor, echo_forms, running

from reconciler.http import _retry_after
from reconciler.redaction import SENSITIVE, forget_all, forms_of, register_secret, scrub, truncate

ROOT = Path(__file__).resolve().parents[2]
# Quotes, a backslash and spaces: everything an HTTP header may carry that JSON, URLs or HTML
# escape. Newlines and non-ASCII cannot be sent in a header; they are tested below.
API_KEY = 'k3y "quoted" back\\slash  two  spaces-7f3a91c2'
CANARY = 'c@n "ary"\\ with\nnew line, tab\t and ünïcødé ✓ 5e0b'
DOC = """kind: revcent/UserThirdPartyIntegration
name: Tracking
site_integration: EasyPost
description: managed
"""


@pytest.fixture
def vendor() -> Iterator[FakeVendor]:
    with running() as server:
        yield server


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    forget_all()
    yield
    forget_all()


def plan(tmp_path: Path, url: str, *, key: str = API_KEY, **env: str) -> tuple[int, str, str]:
    """``python -m reconciler plan`` in a subprocess, as a user runs it."""
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "t.yaml").write_text(DOC, encoding="utf-8")
    environ = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REVCENT_API_KEY": key,
        "NO_COLOR": "1",
        "RECONCILER_HTTP_DEADLINE": "3",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "plan", str(config), "--api-url", url],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def assert_no_leak(tmp_path: Path, *texts: str, secret: str = API_KEY) -> None:
    """No form of ``secret`` in the outputs or any file the run wrote."""
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".yaml"]
    haystack = list(texts) + [p.read_text(encoding="utf-8", errors="replace") for p in files]
    forms = forms_of(secret) + [v for k, v in echo_forms(secret).items() if k != "cut"]
    for text in haystack:
        for form in forms:
            assert form not in text
        assert secret[:8] not in text and secret[-8:] not in text


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("encoding", list(echo_forms("x")))
def test_an_echoed_api_key_never_appears(vendor, tmp_path, encoding):
    vendor.mode, vendor.arg = "echo", encoding
    code, out, err = plan(tmp_path, vendor.url)
    line = one_line(err)
    assert code == 1 and out == ""
    assert line.startswith("error: GetUserThirdPartyIntegrations: HTTP 401")
    assert SENSITIVE[:-1] in line  # at the 300-character cut the marker itself may be cut
    assert_no_leak(tmp_path, out, err)


def test_a_trickled_body_stops_at_the_deadline(vendor, tmp_path):
    vendor.mode = "trickle"  # a byte every 0.5 s
    started = time.monotonic()
    code, _, err = plan(tmp_path, vendor.url, RECONCILER_HTTP_DEADLINE="1")
    elapsed = time.monotonic() - started
    line = one_line(err)
    assert code == 1
    assert line.startswith("error: GetUserThirdPartyIntegrations: http://127.0.0.1:")
    assert "/v2/user_third_party_integrations?limit=…&page=… did not finish its answer " in line
    assert "within 1s" in line and "RECONCILER_HTTP_DEADLINE" in line
    assert elapsed < 15 and vendor.hits == 1  # not retried: it would trickle again


def test_a_server_ignoring_page_is_stopped(vendor, tmp_path):
    vendor.mode = "ignore-page"
    code, _, err = plan(tmp_path, vendor.url)
    assert code == 1 and vendor.hits == 2
    assert one_line(err) == (
        "error: GetUserThirdPartyIntegrations: /v2/user_third_party_integrations page 2 repeats "
        "25 id(s) already listed on an earlier page; the server ignores `page` or the list "
        "changed while being read: run again, and if it persists report it to the vendor"
    )


def test_a_gzip_bomb_is_refused(vendor, tmp_path):
    vendor.mode = "inflate"
    started = time.monotonic()
    code, _, err = plan(tmp_path, vendor.url, RECONCILER_HTTP_DEADLINE="30")
    line = one_line(err)
    assert code == 1 and vendor.hits == 1
    assert "answered more than 32 MiB (decompressed); refusing it" in line
    assert time.monotonic() - started < 30


def test_deeply_nested_json_is_refused(vendor, tmp_path):
    vendor.mode = "deep"
    code, _, err = plan(tmp_path, vendor.url)
    line = one_line(err)
    assert code == 1 and vendor.hits == 1
    assert "answered JSON nested deeper than 100 levels; refusing it" in line


@pytest.mark.parametrize(
    ("value", "wait"),
    [
        ("86400", "86400s"),
        ("inf", "forever"),
        ("1e400", "forever"),
        ("Wed, 21 Oct 2099 07:28:00 GMT", None),
    ],
)
def test_a_long_retry_after_fails_at_once(vendor, tmp_path, value, wait):
    vendor.mode, vendor.arg = "retry-after", value
    started = time.monotonic()
    code, _, err = plan(tmp_path, vendor.url)
    line = one_line(err)
    assert code == 1 and vendor.hits == 1 and time.monotonic() - started < 15
    assert line.startswith("error: GetUserThirdPartyIntegrations: http://127.0.0.1:")
    assert f"is rate limited and asks to wait {wait or ''}" in line
    assert "more than the 120s this tool waits" in line


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("nan", None), ("-5", 0.0), ("soon", None), ("0.2", 0.2), ("", None), ("7", 7.0)],
)
def test_odd_short_retry_after_values_are_read_safely(value, seconds):
    # Through the CLI these retry within the 5-minute 429 budget: too slow for a test.
    assert _retry_after(value) == seconds


def test_a_retry_after_date_is_read_as_a_date():
    soon = email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), True)
    assert 25 <= (_retry_after(soon) or 0) <= 31
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/a\nb", "ftp://x", "http://"])
def test_an_invalid_url_is_one_clear_line(tmp_path, url):
    code, _, err = plan(tmp_path, url)
    assert code == 1
    assert "is not a valid http(s) URL: check --api-url" in one_line(err)


@pytest.mark.parametrize("key", ["line\nbreak-key", "ünïcødé-key"])
def test_an_api_key_a_header_cannot_carry_is_one_clear_line(vendor, tmp_path, key):
    code, out, err = plan(tmp_path, vendor.url, key=key)
    assert code == 1 and vendor.hits == 0
    assert "holds a newline, control or non-ASCII character" in one_line(err)
    assert_no_leak(tmp_path, out, err, secret=key)


def test_every_form_of_a_hostile_canary_is_scrubbed():
    register_secret(CANARY)
    for name, form in {**echo_forms(CANARY), "json-unicode": json.dumps(CANARY)}.items():
        text = f"vendor said: {form} (end)"
        scrubbed = scrub(text)
        assert SENSITIVE in scrubbed, name
        assert "c@n" not in scrubbed and "5e0b" not in scrubbed, name


@pytest.mark.parametrize("cut", range(1, 40))
def test_truncation_never_leaves_a_prefix(cut):
    register_secret(CANARY)
    for form in forms_of(CANARY):
        text = "y" * (40 - cut) + form + " tail"
        short = truncate(text, 40)
        assert len(short) <= 40 + len(SENSITIVE)
        assert form[:4] not in short.replace("y", "")


def _drift(tmp_path: Path, url: str) -> tuple[int, str, str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "REVCENT_API_KEY": API_KEY, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "drift", str(tmp_path / "config"), "--api-url", url],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def test_two_live_integrations_with_the_yaml_name_are_an_error(vendor, tmp_path):
    vendor.mode, vendor.arg = "twins", "Tracking,Tracking"
    code, out, err = plan(tmp_path, vendor.url)
    expected = (
        f"{Path('config') / 't.yaml'}:2:7: Tracking: 2 live integrations are called 'Tracking': "
        f"'Tracking' ({0:020d}), 'Tracking' ({1:020d}) (another run or a person created a "
        "duplicate: retire the extra one in the vendor's console, or pin the one this document "
        "manages with 'id')"
    )
    assert code == 1 and out == ""
    assert expected.split(": ", 1)[1] in err, err
    assert "Traceback" not in err
    code, out, err = _drift(tmp_path, vendor.url)
    assert code == 1 and out == ""
    assert expected.split(": ", 1)[1] in err, err


def test_unmanaged_twins_are_a_warning():
    from reconciler.plan import Unmanaged
    from reconciler.planner import shared_names

    kind = "revcent/UserThirdPartyIntegration"
    unmanaged = [
        Unmanaged("revcent", kind, "Old", "b"),
        Unmanaged("revcent", kind, "Old", "a"),
        Unmanaged("revcent", kind, "old", "c"),  # another name: names are exact here
        Unmanaged("solvimon", "solvimon/Integration", "Old", "d"),
    ]
    assert shared_names(unmanaged) == [
        "revcent: 2 unmanaged live integrations are called 'Old' (b, a); a document with that "
        "name would be refused until one is retired or the document pins an 'id'"
    ]
