"""Every refusal answers its status, ``code: 0``, its own error_code and a vendor-valid body."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.errors import ERROR_CODES

USER = "/v2/user_third_party_integrations"
SITE = "/v2/site_third_party_integrations"
AV = catalog.AVALARA
CREDS = {
    "id": "avalara_credentials",
    "fields": [{"id": "account_id", "value": "1"}, {"id": "license_key", "value": "2"}],
}


def _opt(option: str, field: str, *values: str) -> list[dict[str, Any]]:
    return [{"id": option, "fields": [{"id": field, "value": list(values)}]}]


def _creds(*fields: tuple[str, str], cred_id: str = "avalara_credentials") -> dict[str, Any]:
    return {"id": cred_id, "fields": [{"id": f, "value": v} for f, v in fields]}


# (case id, method, path, json body, status, error_code, text the message must contain)
# {bare}: Avalara without credentials; {ready}: Avalara with credentials, disabled.
CASES: list[tuple[str, str, str, Any, int, str, str]] = [
    ("bad limit", "GET", USER + "?limit=26", None, 400, "invalid_parameter", "limit"),
    ("zero limit", "GET", USER + "?limit=0", None, 400, "invalid_parameter", "limit"),
    ("bad page", "GET", USER + "?page=0", None, 400, "invalid_parameter", "page"),
    ("text page", "GET", SITE + "?page=x", None, 400, "invalid_parameter", "page"),
    (
        "unknown property",
        "POST",
        USER,
        {"name": "x", "site_third_party_integration": AV, "secure_form_id": "f"},
        400,
        "invalid_request",
        "secure_form_id",
    ),
    (
        "wrong type",
        "POST",
        USER,
        {"name": 5, "site_third_party_integration": AV},
        400,
        "invalid_request",
        "name",
    ),
    (
        "short site id",
        "POST",
        USER,
        {"name": "x", "site_third_party_integration": "Avalara"},
        400,
        "invalid_request",
        "site_third_party_integration",
    ),
    (
        "missing name",
        "POST",
        USER,
        {"site_third_party_integration": AV},
        400,
        "invalid_request",
        "name",
    ),
    ("not an object", "POST", USER, [1], 400, "invalid_request", "object"),
    (
        "nested wrong type",
        "POST",
        USER + "/{ready}",
        {
            "third_party_options": [
                {"id": "company", "fields": [{"id": "company_code", "value": "x"}]}
            ]
        },
        400,
        "invalid_request",
        "third_party_options[0].fields[0].value",
    ),
    (
        "options on create",
        "POST",
        USER,
        {"name": "x", "site_third_party_integration": AV, "third_party_options": []},
        400,
        "invalid_request",
        "third_party_options",
    ),
    ("empty edit", "POST", USER + "/{ready}", {}, 400, "nothing_to_edit", ""),
    (
        "duplicate name",
        "POST",
        USER,
        {"name": "Taken", "site_third_party_integration": AV},
        409,
        "duplicate_name",
        "Taken",
    ),
    (
        "duplicate rename",
        "POST",
        USER + "/{ready}",
        {"name": "Taken"},
        409,
        "duplicate_name",
        "Taken",
    ),
    ("get unknown id", "GET", USER + "/" + "X" * 20, None, 404, "integration_not_found", "X" * 20),
    (
        "edit unknown id",
        "POST",
        USER + "/nope",
        {"name": "n"},
        404,
        "integration_not_found",
        "nope",
    ),
    (
        "unknown site",
        "POST",
        USER,
        {"name": "x", "site_third_party_integration": "Z" * 20},
        400,
        "unknown_site_integration",
        "Z" * 20,
    ),
    ("get unknown site", "GET", SITE + "/" + "Z" * 20, None, 404, "site_integration_not_found", ""),
    (
        "credential id",
        "POST",
        USER + "/{bare}",
        {"third_party_credentials": _creds(("account_id", "1"), cred_id="taxjar_credentials")},
        400,
        "credential_id_mismatch",
        "avalara_credentials",
    ),
    (
        "credential field",
        "POST",
        USER + "/{bare}",
        {
            "third_party_credentials": _creds(
                ("account_id", "1"), ("license_key", "2"), ("pin", "3")
            )
        },
        400,
        "unknown_credential_field",
        "pin",
    ),
    (
        "credential field twice",
        "POST",
        USER + "/{bare}",
        {"third_party_credentials": _creds(("account_id", "1"), ("account_id", "1"))},
        400,
        "duplicate_credential_field",
        "account_id",
    ),
    (
        "credential field missing",
        "POST",
        USER,
        {
            "name": "x",
            "site_third_party_integration": AV,
            "third_party_credentials": _creds(("account_id", "1")),
        },
        400,
        "missing_credential_field",
        "license_key",
    ),
    (
        "credential field empty",
        "POST",
        USER + "/{bare}",
        {"third_party_credentials": _creds(("account_id", "1"), ("license_key", ""))},
        400,
        "missing_credential_field",
        "license_key",
    ),
    (
        "unknown option",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("warehouse", "id", "a")},
        400,
        "unknown_option",
        "warehouse",
    ),
    (
        "option twice",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("company", "company_code", "DEFAULT") * 2},
        400,
        "duplicate_option",
        "company",
    ),
    (
        "unknown option field",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("company", "company_id", "DEFAULT")},
        400,
        "unknown_option_field",
        "company_id",
    ),
    (
        "option field twice",
        "POST",
        USER + "/{ready}",
        {
            "third_party_options": [
                {
                    "id": "company",
                    "fields": [{"id": "company_code", "value": ["DEFAULT"]}] * 2,
                }
            ]
        },
        400,
        "duplicate_option_field",
        "company_code",
    ),
    (
        "required option field missing",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("document_settings", "document_prefix", "RC-")},
        400,
        "missing_option_field",
        "commit_documents",
    ),
    (
        "two values, multiple false",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("company", "company_code", "DEFAULT", "BRAND_A")},
        400,
        "too_many_values",
        "company_code",
    ),
    (
        "static value unknown",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("document_settings", "commit_documents", "maybe")},
        400,
        "invalid_option_value",
        "maybe",
    ),
    (
        "asset value unknown",
        "POST",
        USER + "/{ready}",
        {"third_party_options": _opt("company", "company_code", "WHOLESALE")},
        400,
        "invalid_option_value",
        "WHOLESALE",
    ),
    (
        "asset before credentials",
        "POST",
        USER + "/{bare}",
        {"third_party_options": _opt("company", "company_code", "DEFAULT")},
        400,
        "credentials_not_saved",
        "company_code",
    ),
    (
        "create enabled without options",
        "POST",
        USER,
        {
            "name": "x",
            "site_third_party_integration": AV,
            "third_party_credentials": CREDS,
            "enabled": True,
        },
        400,
        "integration_incomplete",
        "company",
    ),
    (
        "create enabled without credentials",
        "POST",
        USER,
        {"name": "x", "site_third_party_integration": catalog.EASYPOST, "enabled": True},
        400,
        "integration_incomplete",
        "easypost_credentials",
    ),
    (
        "enable without options",
        "POST",
        USER + "/{ready}",
        {"enabled": True},
        400,
        "integration_incomplete",
        "company",
    ),
    (
        "enable without credentials",
        "POST",
        USER + "/{bare}",
        {"enabled": True},
        400,
        "integration_incomplete",
        "avalara_credentials",
    ),
    ("unknown route", "GET", "/v2/customers", None, 404, "not_found", "/v2/customers"),
    ("wrong method", "DELETE", USER, None, 405, "method_not_allowed", "DELETE"),
]

# Answered under injected faults; covered in test_sandbox_faults.py.
FAULT_CODES = {"rate_limited", "internal_error", "service_unavailable"}


@pytest.fixture
def ids(sandbox_api: Any) -> dict[str, str]:
    sandbox_api.create(name="Taken", site_third_party_integration=catalog.EASYPOST)
    return {
        "bare": sandbox_api.create(name="Bare", site_third_party_integration=AV),
        "ready": sandbox_api.create(
            name="Ready", site_third_party_integration=AV, third_party_credentials=CREDS
        ),
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error_code", "needle"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_refusal(
    sandbox_client: httpx.Client,
    ids: dict[str, str],
    check_vendor: Any,
    method: str,
    path: str,
    body: Any,
    status: int,
    error_code: str,
    needle: str,
) -> None:
    resp = sandbox_client.request(method, path.format(**ids), json=body)
    assert resp.status_code == status, resp.text
    answer = resp.json()
    check_vendor("error", answer)
    assert answer["code"] == 0
    assert answer["error_code"] == error_code
    assert needle in answer["message"]


def test_refused_writes_change_nothing(sandbox_api: Any, ids: dict[str, str]) -> None:
    before = sandbox_api.get(ids["ready"])
    resp = sandbox_api.client.post(
        f"{USER}/{ids['ready']}",
        json={"name": "New", "third_party_options": _opt("company", "company_code", "NOPE")},
    )
    assert resp.status_code == 400
    assert sandbox_api.get(ids["ready"])["name"] == before["name"]


@pytest.mark.parametrize(
    ("headers", "error_code"), [({}, "missing_api_key"), ({"x-api-key": "nope"}, "invalid_api_key")]
)
def test_api_key_is_required_everywhere(
    sandbox: Any, check_vendor: Any, headers: dict[str, str], error_code: str
) -> None:
    for path in (USER, f"{SITE}/{AV}", "/_sandbox/stats", "/v2/unknown"):
        resp = httpx.get(sandbox.url + path, headers=headers)
        assert resp.status_code == 401
        check_vendor("error", resp.json())
        assert resp.json()["error_code"] == error_code


def test_invalid_json(sandbox_client: httpx.Client, check_vendor: Any) -> None:
    resp = sandbox_client.post(
        USER, content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert resp.status_code == 400
    check_vendor("error", resp.json())
    assert resp.json()["error_code"] == "invalid_json"


def test_body_too_large(sandbox_client: httpx.Client, check_vendor: Any) -> None:
    body = {"name": "x" * 1_100_000, "site_third_party_integration": AV}
    resp = sandbox_client.post(USER, json=body)
    assert resp.status_code == 413
    check_vendor("error", resp.json())
    assert resp.json()["error_code"] == "body_too_large"


def test_no_secret_is_echoed_in_a_refusal(
    sandbox_client: httpx.Client, ids: dict[str, str]
) -> None:
    body = {
        "third_party_credentials": {
            "id": "avalara_credentials",
            "fields": [{"id": "account_id", "value": 12345678}],
        }
    }
    resp = sandbox_client.post(f"{USER}/{ids['bare']}", json=body)
    assert resp.json()["error_code"] == "invalid_request"
    assert "12345678" not in resp.text
    assert "third_party_credentials.fields[0].value" in resp.json()["message"]


# Exercised, each with its exact message, in tests/secure_forms/test_sandbox_secure_forms.py.
SECURE_FORM_CODES = {
    "secure_form_not_found",
    "secure_form_not_completed",
    "secure_form_expired",
    "secure_form_site_mismatch",
    "secure_form_used",
}


def test_every_error_code_is_exercised() -> None:
    covered = (
        {case[5] for case in CASES}
        | FAULT_CODES
        | {"missing_api_key", "invalid_api_key", "invalid_json", "body_too_large"}
        | SECURE_FORM_CODES
    )
    assert covered == set(ERROR_CODES)
