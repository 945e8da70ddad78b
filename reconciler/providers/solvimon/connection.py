"""Solvimon's connection test: which request tests a desired integration, and what its answer
means.

Why a test before every activation: Solvimon activates an integration whose credentials the
external provider would refuse, and the first invoice then fails. ``POST
/v1/integrations/test-connection`` takes the credentials themselves (an ``authentication``
body, with ``integration_type`` and the processor or variant in the query), not an id, so the
body is built from the YAML: its secrets as references, resolved only when sent, and the
non-secret parts (a username, a client id) the YAML leaves out taken from the live integration
(Solvimon shows those; it never shows a secret). When the YAML holds no secret the test needs
(it is saved in Solvimon only), the connection cannot be tested: the plan says so.

The step's body holds the credentials under ``authentication`` (``WRAP``), as a create's does,
so that a secret has one name in every message; ``send`` posts the object inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from reconciler.errors import ReconcilerError
from reconciler.plan import Step
from reconciler.providers.solvimon.catalog_checks import REQUIRED_TO_ACTIVATE
from reconciler.providers.solvimon.desired import DesiredSolvimonIntegration
from reconciler.providers.solvimon.fields import MASK, TYPE_OBJECTS, VARIANTS, lookup

TEST_CONNECTION = "postIntegrationsTestConnection"
TEST_PATH = "/v1/integrations/test-connection"
WRAP = "authentication"
PURPOSE = "test the connection before activate; changes nothing, a failure stops here"
GROUPS = ("api_key", "client_credentials", "username_password")
SECRET_KEYS = {"api_key": "value", "client_credentials": "client_secret",
               "username_password": "password"}  # fmt: skip
# integration type -> the query parameter that names its variant (the spec's)
VARIANT_PARAMS = {
    "E_INVOICING": "e_invoicing_processor",
    "TAX_CALCULATION": "tax_calculation_variant",
}


class ConnectionTestFailed(ReconcilerError):
    """Solvimon's test-connection answered ``successful`` other than true."""


def variant_of(desired: DesiredSolvimonIntegration, live: Mapping[str, Any] | None) -> Any:
    """The variant (or processor) the integration will have: the YAML's, else the live one."""
    own = TYPE_OBJECTS[desired.type]
    key, _ = VARIANTS[own]
    written = lookup(desired.settings, (own, key))
    return written if written is not None else lookup(live or {}, (own, key))


def test_body(
    desired: DesiredSolvimonIntegration, live: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The ``authentication`` to test: the YAML's (secrets as references) laid over the live
    non-secret parts; a masked live secret is never taken."""
    written = desired.settings.get("authentication") or {}
    saved = (live or {}).get("authentication") or {}
    body: dict[str, Any] = {}
    for group in GROUPS:
        part: dict[str, Any] = {}
        have = saved.get(group)
        if isinstance(have, Mapping):
            part.update(
                (k, v)
                for k, v in have.items()
                if k != SECRET_KEYS[group] and v not in (None, "", MASK)
            )
        mine = written.get(group)
        if isinstance(mine, Mapping):
            part.update((k, v) for k, v in mine.items() if v is not None)
        if part:
            body[group] = part
    return body


def untestable(desired: DesiredSolvimonIntegration, body: Mapping[str, Any], variant: Any) -> str:
    """Why ``body`` cannot be tested (a credential the test needs is not in it), or ''."""
    needed = REQUIRED_TO_ACTIVATE.get((desired.type, str(variant)), ())
    missing = [
        path
        for path in needed
        if path.startswith("authentication.")
        and lookup({WRAP: body}, tuple(path.split("."))) in (None, "")
    ]
    if not missing:
        return ""
    return (
        f"the connection is not tested before activate: Solvimon tests the credentials sent "
        f"with the request, and this file does not hold {', '.join(missing)} (saved in Solvimon "
        "only, which never shows it); write it as {env: …} to have it tested"
    )


def connection_step(
    desired: DesiredSolvimonIntegration, live: Mapping[str, Any] | None
) -> tuple[Step | None, str]:
    """The test-connection step for activating ``desired``, or (None, why it cannot be)."""
    variant = variant_of(desired, live)
    body = test_body(desired, live)
    reason = untestable(desired, body, variant)
    if reason:
        return None, reason
    query = {"integration_type": desired.type}
    param = VARIANT_PARAMS.get(desired.type)
    if param is not None and variant is not None:
        query[param] = str(variant)
    path = f"{TEST_PATH}?{urlencode(query)}"
    return Step(TEST_CONNECTION, "POST", path, {WRAP: body}, "low", PURPOSE, intent="test"), ""


def query_of(path: str) -> dict[str, str]:
    """The query parameters a planned test-connection path carries."""
    return dict(parse_qsl(urlsplit(path).query))


def outcome(answer: Any) -> tuple[bool, str]:
    """(successful, Solvimon's message) of a ``TestConnectionResponse``."""
    if not isinstance(answer, Mapping):
        return False, "Solvimon's answer is not a TestConnectionResponse object"
    message = answer.get("message")
    text = str(message) if isinstance(message, str) and message else "(no message)"
    return answer.get("successful") is True, text
