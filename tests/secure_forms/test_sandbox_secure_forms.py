"""The sandbox's Secure Forms over plain HTTP: every rule of docs/secure-forms.md, exactly."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import httpx
import pytest

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.secureforms import LIFETIME

USER = "/v2/user_third_party_integrations"
FORMS = "/v2/secure_forms"
SS = catalog.SHIPSTATION
SECRET = "ss-other-account"  # a ShipStation key that sees the asset list ['outlet-store']


def create_form(client: httpx.Client, site: str = SS) -> dict[str, Any]:
    resp = client.post(
        FORMS, json={"form_source": "third_party_integration", "form_source_id": site}
    )
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def submit(url: str, fields: dict[str, str]) -> httpx.Response:
    """What a browser sends: a urlencoded POST, no API key."""
    return httpx.post(url, data=fields, timeout=10)


def completed_form(client: httpx.Client, site: str = SS) -> dict[str, Any]:
    form = create_form(client, site)
    fields = {"api_key": SECRET, "api_secret": "s3cret-value"} if site == SS else {"api_key": "k"}
    assert submit(form["form_url"], fields).status_code == 200
    return form


def error(resp: httpx.Response, status: int, code: str, check_vendor: Any) -> str:
    assert resp.status_code == status, resp.text
    check_vendor("error", resp.json())
    assert resp.json()["error_code"] == code
    return str(resp.json()["message"])


@pytest.fixture
def integration(sandbox_api: Any) -> str:
    return str(sandbox_api.create(name="Ship", site_third_party_integration=SS))


def test_create_answers_id_url_expiry(sandbox: Any, sandbox_client: httpx.Client) -> None:
    form = create_form(sandbox_client)
    assert sorted(form) == sorted(
        [
            "api_call_id",
            "api_call_unix",
            "code",
            "secure_form_id",
            "form_url",
            "expiration_date_unix",
            "completed",
            "result",
        ]
    )
    assert form["code"] == 1 and form["completed"] is False and len(form["secure_form_id"]) == 20
    assert form["form_url"].startswith(f"{sandbox.url}/secure_form/")
    assert form["secure_form_id"] not in form["form_url"]  # the id alone does not open it
    assert form["expiration_date_unix"] - form["api_call_unix"] in (LIFETIME, LIFETIME - 1)
    got = sandbox_client.get(f"{FORMS}/{form['secure_form_id']}").json()
    assert {k: got[k] for k in ("id", "form_source", "form_source_id", "completed", "status")} == {
        "id": form["secure_form_id"],
        "form_source": "third_party_integration",
        "form_source_id": SS,
        "completed": False,
        "status": "pending",
    }
    assert got["expiration_date_unix"] == form["expiration_date_unix"]
    assert got["completed_date_unix"] is None


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ([], "invalid_request", "body: must be of type object"),
        (
            {"form_source_id": SS},
            "invalid_request",
            "body: missing required property 'form_source'",
        ),
        (
            {"form_source": "third_party_integration", "form_source_id": SS, "x": 1},
            "invalid_request",
            "body: unknown property 'x'",
        ),
        (
            {"form_source": "payment_profile", "form_source_id": SS},
            "invalid_request",
            "form_source: the sandbox supports only 'third_party_integration'",
        ),
        (
            {"form_source": "third_party_integration", "form_source_id": "X" * 20},
            "unknown_site_integration",
            "form_source_id: 'XXXXXXXXXXXXXXXXXXXX' is not a site third party integration",
        ),
    ],
)
def test_create_refusals(
    sandbox_client: httpx.Client, check_vendor: Any, body: Any, code: str, message: str
) -> None:
    assert error(sandbox_client.post(FORMS, json=body), 400, code, check_vendor) == message


def test_get_unknown_form(sandbox_client: httpx.Client, check_vendor: Any) -> None:
    resp = sandbox_client.get(f"{FORMS}/{'N' * 20}")
    assert error(resp, 404, "secure_form_not_found", check_vendor) == (
        "no secure form has id 'NNNNNNNNNNNNNNNNNNNN'"
    )


def test_api_routes_need_the_key_the_page_does_not(
    sandbox: Any, sandbox_client: httpx.Client
) -> None:
    form = create_form(sandbox_client)
    assert httpx.get(f"{sandbox.url}{FORMS}/{form['secure_form_id']}").status_code == 401
    page = httpx.get(form["form_url"])
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    # the site's credential fields, as password inputs; required ones marked required
    assert '<input type="password" id="api_key" name="api_key"' in page.text
    assert '<input type="password" id="api_secret" name="api_secret"' in page.text
    assert page.text.count(" required>") == 2
    assert httpx.get(f"{sandbox.url}/secure_form/not-a-token").status_code == 404


def test_form_fills_edit_saves_and_assets_follow(
    sandbox_client: httpx.Client, sandbox_api: Any, integration: str
) -> None:
    form = completed_form(sandbox_client)
    got = sandbox_client.get(f"{FORMS}/{form['secure_form_id']}").json()
    assert got["completed"] is True and got["status"] == "completed"
    assert isinstance(got["completed_date_unix"], int)
    sandbox_api.edit(integration, secure_form_id=form["secure_form_id"])
    live = sandbox_api.get(integration)
    assert live["third_party_credentials_saved"] == ["shipstation_credentials"]
    store = next(
        o for o in live["site_third_party_integration"]["third_party_options"] if o["id"] == "store"
    )
    assert store["fields"][0]["select_settings"]["options"] == ["outlet-store"]  # keyed by the key


def test_not_completed(sandbox_client: httpx.Client, check_vendor: Any, integration: str) -> None:
    form = create_form(sandbox_client)
    resp = sandbox_client.post(
        f"{USER}/{integration}", json={"secure_form_id": form["secure_form_id"]}
    )
    assert error(resp, 400, "secure_form_not_completed", check_vendor) == (
        f"secure_form_id: secure form '{form['secure_form_id']}' is not completed yet"
    )


def test_expired(sandbox_client: httpx.Client, check_vendor: Any, integration: str) -> None:
    form = completed_form(sandbox_client)
    aged = sandbox_client.post(
        f"/_sandbox/secure_forms/{form['secure_form_id']}/age", json={"seconds": LIFETIME}
    )
    assert aged.status_code == 200 and aged.json()["status"] == "expired"
    got = sandbox_client.get(f"{FORMS}/{form['secure_form_id']}").json()
    assert got["status"] == "expired" and got["completed"] is True
    resp = sandbox_client.post(
        f"{USER}/{integration}", json={"secure_form_id": form["secure_form_id"]}
    )
    assert error(resp, 400, "secure_form_expired", check_vendor) == (
        f"secure_form_id: secure form '{form['secure_form_id']}' expired; create a new one"
    )
    assert httpx.get(form["form_url"]).status_code == 410
    assert submit(form["form_url"], {"api_key": "a", "api_secret": "b"}).status_code == 410


def test_one_second_before_expiry_still_works(
    sandbox_client: httpx.Client, sandbox_api: Any, integration: str
) -> None:
    form = completed_form(sandbox_client)
    # LIFETIME - 5: a margin for the clock ticking between the calls
    sandbox_client.post(
        f"/_sandbox/secure_forms/{form['secure_form_id']}/age", json={"seconds": LIFETIME - 5}
    )
    sandbox_api.edit(integration, secure_form_id=form["secure_form_id"])


def test_wrong_site(sandbox_client: httpx.Client, check_vendor: Any, integration: str) -> None:
    form = completed_form(sandbox_client, catalog.EASYPOST)
    resp = sandbox_client.post(
        f"{USER}/{integration}", json={"secure_form_id": form["secure_form_id"]}
    )
    assert error(resp, 400, "secure_form_site_mismatch", check_vendor) == (
        f"secure_form_id: secure form '{form['secure_form_id']}' collects credentials for site "
        f"third party integration {catalog.EASYPOST}, not {SS}"
    )


def test_used_twice(
    sandbox_client: httpx.Client, sandbox_api: Any, check_vendor: Any, integration: str
) -> None:
    form = completed_form(sandbox_client)
    sandbox_api.edit(integration, secure_form_id=form["secure_form_id"])
    other = sandbox_api.create(name="Ship 2", site_third_party_integration=SS)
    for target in (integration, other):
        resp = sandbox_client.post(
            f"{USER}/{target}", json={"secure_form_id": form["secure_form_id"]}
        )
        assert error(resp, 409, "secure_form_used", check_vendor) == (
            f"secure_form_id: secure form '{form['secure_form_id']}' was already used; a form "
            "saves credentials once"
        )
    assert sandbox_api.get(other)["third_party_credentials_saved"] == []


def test_unknown_form_in_edit_and_bad_types(
    sandbox_client: httpx.Client, check_vendor: Any, integration: str
) -> None:
    at = f"{USER}/{integration}"
    resp = sandbox_client.post(at, json={"secure_form_id": "Z" * 20})
    error(resp, 404, "secure_form_not_found", check_vendor)
    assert error(
        sandbox_client.post(at, json={"secure_form_id": 5}), 400, "invalid_request", check_vendor
    ) == ("secure_form_id: must be of type string")
    assert error(
        sandbox_client.post(at, json={"secure_form_id": "short"}),
        400,
        "invalid_request",
        check_vendor,
    ) == ("secure_form_id: must be exactly 20 characters")
    both = {
        "secure_form_id": "Z" * 20,
        "third_party_credentials": {"id": "shipstation_credentials", "fields": []},
    }
    assert error(sandbox_client.post(at, json=both), 400, "invalid_request", check_vendor) == (
        "body: send either third_party_credentials or secure_form_id, not both"
    )


def test_a_refused_edit_leaves_the_form_unused(
    sandbox_client: httpx.Client, sandbox_api: Any, check_vendor: Any, integration: str
) -> None:
    form = completed_form(sandbox_client)
    resp = sandbox_client.post(
        f"{USER}/{integration}", json={"secure_form_id": form["secure_form_id"], "enabled": True}
    )
    error(resp, 400, "integration_incomplete", check_vendor)  # the required 'store' option
    sandbox_api.edit(integration, secure_form_id=form["secure_form_id"])
    assert sandbox_api.get(integration)["third_party_credentials_saved"] == [
        "shipstation_credentials"
    ]


def test_create_accepts_a_form_too(sandbox_client: httpx.Client, sandbox_api: Any) -> None:
    form = completed_form(sandbox_client, catalog.EASYPOST)
    new = sandbox_api.create(
        name="Track",
        site_third_party_integration=catalog.EASYPOST,
        secure_form_id=form["secure_form_id"],
    )
    assert sandbox_api.get(new)["third_party_credentials_saved"] == ["easypost_credentials"]


def test_page_rules(sandbox_client: httpx.Client) -> None:
    form = create_form(sandbox_client)
    url = form["form_url"]
    missing = submit(url, {"api_key": "only-one"})
    assert missing.status_code == 400 and "API Secret is required" in missing.text
    unknown = submit(url, {"api_key": "a", "api_secret": "b", "password": "c"})
    assert (
        unknown.status_code == 400
        and "&#x27;password&#x27; is not a field of this form" in unknown.text
    )
    twice = httpx.post(
        url,
        content=b"api_key=a&api_key=b&api_secret=c",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert twice.status_code == 400 and "the submission is not a form" in twice.text
    too_long = submit(url, {"api_key": "a" * 8193, "api_secret": "b"})
    assert too_long.status_code == 400 and "longer than 8192 characters" in too_long.text
    assert "a" * 100 not in too_long.text  # nothing typed is echoed
    status = sandbox_client.get(f"{FORMS}/{form['secure_form_id']}").json()["status"]
    assert status == "pending"
    ok = submit(url, {"api_key": "first", "api_secret": "b"})
    assert ok.status_code == 200 and 'id="status"' in ok.text and "received" in ok.text
    again = submit(url, {"api_key": "second", "api_secret": "b"})
    assert again.status_code == 409 and "already completed and cannot be changed" in again.text
    shown = httpx.get(url)
    assert shown.status_code == 200 and "<form" not in shown.text


def test_database_holds_only_fingerprints(
    sandbox: Any, sandbox_client: httpx.Client, sandbox_api: Any, integration: str
) -> None:
    form = create_form(sandbox_client)
    token = form["form_url"].rsplit("/", 1)[1]
    submit(form["form_url"], {"api_key": "plain-key-123", "api_secret": "plain-secret-456"})
    raw = (
        sandbox.db_path.read_bytes()
        + sandbox.db_path.with_name(sandbox.db_path.name + "-wal").read_bytes()
    )
    for secret in (b"plain-key-123", b"plain-secret-456", token.encode()):
        assert secret not in raw
    with sqlite3.connect(sandbox.db_path) as db:
        (values,) = db.execute("select credential_values from secure_forms").fetchone()
        assert values.count("hmac-sha256:") == 2
        sandbox_api.edit(integration, secure_form_id=form["secure_form_id"])
        (values,) = db.execute("select credential_values from secure_forms").fetchone()
        assert values == "{}"  # used: wiped, the integration holds them now


def test_request_log_leaves_the_token_out(
    sandbox_client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    form = create_form(sandbox_client)
    token = form["form_url"].rsplit("/", 1)[1]
    with caplog.at_level(logging.INFO, logger="reconciler.sandbox.access"):
        httpx.get(form["form_url"], timeout=10)
        submit(form["form_url"], {"api_key": "logged-key?", "api_secret": "b"})
    lines = [r.getMessage() for r in caplog.records if r.name == "reconciler.sandbox.access"]
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "GET /secure_form/… 200",
        "POST /secure_form/… 200",
    ]
    assert not any(token in line or "logged-key" in line for line in lines)
