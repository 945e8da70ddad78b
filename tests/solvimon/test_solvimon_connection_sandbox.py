"""The sandbox's test-connection and default-mandates endpoints over HTTP: spec shapes, the
credential rule that makes a test fail on purpose, refusals, and routes no longer taken as ids."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from solvimon_support import BASE, TAX, check_spec, client, create, stats

from reconciler.sandbox.solvimon.rules import MASK

TEST = "/v{version}/integrations/test-connection"
MANDATES = "/v{version}/integrations/e-invoicing/default-mandates"
TAX_QUERY = {"integration_type": "TAX_CALCULATION", "tax_calculation_variant": "AVATAX"}
AVATAX_AUTH = {"username_password": {"username": "2000123456", "password": "lk-1"}}


def _test(http: httpx.Client, query: dict[str, str], body: Any) -> httpx.Response:
    return http.post(f"{BASE}/test-connection", params=query, json=body)


def _error(resp: httpx.Response, status: int, code: str, field: str | None) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert (body["code"], body["field"]) == (code, field), body
    return str(body["message"])


@pytest.mark.parametrize(
    ("query", "body", "answer"),
    [
        (TAX_QUERY, AVATAX_AUTH, {"successful": True, "message": "connected to AvaTax"}),
        (
            TAX_QUERY,
            {"username_password": {"username": "2000123456", "password": "reject-me"}},
            {
                "successful": False,
                "message": "AvaTax refused the credentials "
                "(authentication.username_password.password): 401",
            },
        ),
        (
            TAX_QUERY,
            {"username_password": {"username": "2000123456"}},
            {
                "successful": False,
                "message": "authentication.username_password.password: not set; AvaTax needs it",
            },
        ),
        (
            {"integration_type": "E_INVOICING", "e_invoicing_processor": "AVALARA"},
            {"client_credentials": {"client_id": "reject-id", "client_secret": "s3cret-ok"}},
            {
                "successful": False,
                "message": "Avalara refused the credentials "
                "(authentication.client_credentials.client_id): 401",
            },
        ),
        (
            {"integration_type": "PAYMENT_GATEWAY"},
            {"api_key": {"value": "sk_test_1"}},
            {"successful": True, "message": "connected to the payment gateway"},
        ),
        (
            {"integration_type": "PAYMENT_GATEWAY"},
            {},
            {
                "successful": False,
                "message": "authentication.api_key.value: not set; the payment gateway needs it",
            },
        ),
        (
            {"integration_type": "EMAIL_PROVIDER"},
            None,
            {
                "successful": True,
                "message": "no credentials to test for the email provider: nothing to connect with",
            },
        ),
        (
            {"integration_type": "EMAIL_PROVIDER"},
            {"api_key": {"header": "Authorization"}},
            {
                "successful": False,
                "message": "authentication.api_key.value: not set; the email provider needs it",
            },
        ),
    ],
)
def test_test_connection_answers(
    sandbox: Any, query: dict[str, str], body: Any, answer: dict[str, Any]
) -> None:
    with client(sandbox) as http:
        resp = http.post(f"{BASE}/test-connection", params=query, json=body)
        assert resp.status_code == 200, resp.text
        check_spec("POST", TEST, resp)
        assert resp.json() == answer


def test_test_connection_never_echoes_a_credential(sandbox: Any) -> None:
    secret = "reject-canary-7f3a"
    with client(sandbox) as http:
        resp = _test(http, TAX_QUERY, {"username_password": {"username": "u", "password": secret}})
        assert resp.json()["successful"] is False
        assert secret not in resp.text


@pytest.mark.parametrize(
    ("query", "body", "status", "code", "field", "message"),
    [
        ({}, AVATAX_AUTH, 400, "MISSING_FIELD", "integration_type", "integration_type: required "
         "to test a connection"),
        ({"integration_type": "CRM"}, AVATAX_AUTH, 400, "INVALID_FIELD", "integration_type",
         "integration_type: must be one of PAYMENT_GATEWAY, E_INVOICING, TAX_CALCULATION, "
         "DATA_EXPORT, EMAIL_PROVIDER"),
        ({"integration_type": "TAX_CALCULATION"}, AVATAX_AUTH, 400, "MISSING_FIELD",
         "tax_calculation_variant", "tax_calculation_variant: required for TAX_CALCULATION"),
        ({**TAX_QUERY, "tax_calculation_variant": "VERTEX"}, AVATAX_AUTH, 400, "INVALID_FIELD",
         "tax_calculation_variant", "tax_calculation_variant: must be one of AVATAX"),
        ({**TAX_QUERY, "e_invoicing_processor": "AVALARA"}, AVATAX_AUTH, 400, "INVALID_FIELD",
         "e_invoicing_processor", "e_invoicing_processor: only for integration_type E_INVOICING"),
        (TAX_QUERY, {"username_password": {"pin": "1"}}, 400, "INVALID_FIELD",
         "username_password.pin", "username_password.pin: unknown property"),
        (TAX_QUERY, {"username_password": {"username": "u", "password": MASK}}, 400,
         "INVALID_FIELD", "authentication.username_password.password",
         "authentication.username_password.password: send the secret itself, never the mask a "
         "Get shows"),
        (TAX_QUERY, ["x"], 400, "BAD_REQUEST", None, "the request body must be a JSON object"),
    ],
)  # fmt: skip
def test_test_connection_refusals(
    sandbox: Any,
    query: dict[str, str],
    body: Any,
    status: int,
    code: str,
    field: str | None,
    message: str,
) -> None:
    with client(sandbox) as http:
        resp = _test(http, query, body)
        assert _error(resp, status, code, field) == message
        check_spec("POST", TEST, resp)


def test_test_connection_needs_the_api_key(sandbox: Any) -> None:
    with httpx.Client(base_url=sandbox.url, timeout=10) as http:
        resp = _test(http, TAX_QUERY, AVATAX_AUTH)
        _error(resp, 401, "UNAUTHORISED", None)
        check_spec("POST", TEST, resp)


def test_default_mandates_match_the_spec_and_page(sandbox: Any) -> None:
    with client(sandbox) as http:
        every = http.get(f"{BASE}/e-invoicing/default-mandates", params={"limit": 100})
        assert every.status_code == 200
        check_spec("GET", MANDATES, every)
        names = [m["name"] for m in every.json()]
        assert names == [
            "BE-B2B-PEPPOL",
            "DE-B2B-XRECHNUNG",
            "DE-B2G-XRECHNUNG",
            "ES-B2G-FACE",
            "FR-B2B-FACTURX",
            "IT-B2B-SDI",
            "NL-B2G-PEPPOL",
            "PL-B2B-KSEF",
        ]
        assert every.json()[0] == {
            "name": "BE-B2B-PEPPOL",
            "country": "BE",
            "mappings": [
                {
                    "target": "cbc:BuyerReference",
                    "source": "invoice.customer.reference",
                    "description": "the buyer's own reference",
                }
            ],
            "condition_groups": [
                {
                    "conditions": [
                        {"field": "customer.country", "comparator_type": "EQUALS", "value": "BE"}
                    ]
                }
            ],
            "include_pdf_in_einvoice": False,
            "supported_file_formats": [
                {"type": "UBL", "description": "UBL document of the eInvoice"},
                {"type": "PDF", "description": "PDF document of the eInvoice"},
            ],
        }
        page = http.get(f"{BASE}/e-invoicing/default-mandates", params={"limit": 3, "page": 3})
        assert [m["name"] for m in page.json()] == ["NL-B2G-PEPPOL", "PL-B2B-KSEF"]
        past = http.get(f"{BASE}/e-invoicing/default-mandates", params={"limit": 3, "page": 4})
        assert past.json() == []
        desc = http.get(
            f"{BASE}/e-invoicing/default-mandates",
            params={"order_by": "country", "order_direction": "desc", "limit": 2},
        )
        assert [m["name"] for m in desc.json()] == ["PL-B2B-KSEF", "NL-B2G-PEPPOL"]
        for query in ({"limit": 0}, {"page": "x"}, {"order_by": "reference"}):
            bad = http.get(f"{BASE}/e-invoicing/default-mandates", params=query)
            _error(bad, 400, "BAD_REQUEST", next(iter(query)))


def test_fixed_paths_are_never_taken_as_ids(sandbox: Any) -> None:
    create(sandbox, TAX)
    with client(sandbox) as http:
        cases = [
            ("GET", "/test-connection", 405, "BAD_REQUEST"),
            ("PATCH", "/test-connection", 405, "BAD_REQUEST"),
            ("DELETE", "/test-connection", 405, "BAD_REQUEST"),
            ("POST", "/test-connection/activate", 404, "RESOURCE_NOT_FOUND"),
            ("POST", "/e-invoicing/archive", 404, "RESOURCE_NOT_FOUND"),
            ("GET", "/e-invoicing", 404, "RESOURCE_NOT_FOUND"),
            ("POST", "/e-invoicing/default-mandates", 405, "BAD_REQUEST"),
        ]
        for method, tail, status, code in cases:
            resp = http.request(method, BASE + tail)
            assert (resp.status_code, resp.json()["code"]) == (status, code), (method, tail)
            assert resp.json()["resource_id"] is None, (method, tail)  # never read as an id
        assert http.get(f"{BASE}/test-connection").headers["Allow"] == "POST"
        # an id that merely starts with a reserved word is still an id
        near = http.get(f"{BASE}/test-connections")
        assert near.json()["resource_id"] == "test-connections"
    routes = stats(sandbox)["by_route"]
    assert "POST /v1/integrations/{id}/activate" not in routes
    assert "GET /v1/integrations/{id}" in routes  # the near miss
