"""RevCent Secure Forms: create one, wait for a person to complete it, save it, re-check.

Why here: this is RevCent's credential workflow from its guide (seed 002) — CreateSecureForm
for the site integration, the person fills it in, Edit with ``secure_form_id``, Get to verify,
re-check options against the assets the new credentials expose. The CLI only prints; every
rule (expiry, the one retry that may meet ``secure_form_used``, what counts as saved) is here.
See docs/secure-forms.md for what is documented and what is assumed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from reconciler.errors import ApiError, MalformedResponse, NotFoundError, ReconcilerError
from reconciler.http import ApiClient
from reconciler.providers.revcent.client import USER_PATH
from reconciler.providers.revcent.desired import DesiredIntegration
from reconciler.providers.revcent.planning import desired_options
from reconciler.providers.revcent.state import LiveIntegration

FORMS_PATH = "/v2/secure_forms"
FORM_SOURCE = "third_party_integration"
LIFETIME = 3600  # a form lives one hour [doc]
GRACE = 60  # seconds past the form's own expiry before the local bound gives up


class FormExpired(ReconcilerError):
    """The form expired (or vanished) before it was completed: nothing was saved."""


@dataclass(frozen=True)
class SecureForm:
    """A form just created: its id, the URL a person opens, and when it expires (server time)."""

    id: str
    url: str
    expires_unix: int
    created_at_server: int  # the answer's api_call_unix


def create_form(api: ApiClient, site_id: str) -> SecureForm:
    """CreateSecureForm for ``site_id``; a retry after a lost answer only makes a spare form."""
    body = api.request(
        "POST",
        FORMS_PATH,
        operation="CreateSecureForm",
        json_body={"form_source": FORM_SOURCE, "form_source_id": site_id},
    )
    form_id, url, expires = (
        body.get("secure_form_id"),
        body.get("form_url"),
        body.get("expiration_date_unix"),
    )
    if not (isinstance(form_id, str) and len(form_id) == 20 and isinstance(url, str)):
        raise MalformedResponse(
            "CreateSecureForm: the answer has no 20-character secure_form_id or no form_url",
            operation="CreateSecureForm",
        )
    if not url.lower().startswith(("https://", "http://")):
        raise MalformedResponse(
            "CreateSecureForm: form_url is not an http(s) URL", operation="CreateSecureForm"
        )
    now = body.get("api_call_unix")
    now = now if isinstance(now, int) else int(time.time())
    expires = expires if isinstance(expires, int) else now + LIFETIME
    return SecureForm(form_id, url, expires, now)


def wait_until_completed(
    api: ApiClient,
    form: SecureForm,
    *,
    poll_interval: float,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    """Poll GetSecureForm until the form is completed; returns the number of polls.

    Bounded twice: by the form's expiry as the server states it (compared with each answer's
    own ``api_call_unix``, so a wrong local clock does not matter), and by the form's lifetime
    plus a grace on the local monotonic clock, should the server never say so. An expired or
    vanished (404) form raises FormExpired. Ctrl-C interrupts the sleep (KeyboardInterrupt).
    """
    deadline = monotonic() + min(LIFETIME, max(0, form.expires_unix - form.created_at_server))
    deadline += GRACE
    polls = 0
    while True:
        polls += 1
        try:
            body = api.request("GET", f"{FORMS_PATH}/{form.id}", operation="GetSecureForm")
        except NotFoundError:
            raise FormExpired(
                f"secure form {form.id} no longer exists (expired or deleted) before it was "
                "completed: nothing was saved; run the command again for a new form"
            ) from None
        if body.get("completed") is True and body.get("status") != "expired":
            return polls
        server_now = body.get("api_call_unix")
        expires = body.get("expiration_date_unix", form.expires_unix)
        past = isinstance(server_now, int) and isinstance(expires, int) and server_now >= expires
        if body.get("status") == "expired" or past or monotonic() > deadline:
            raise FormExpired(
                f"secure form {form.id} expired before it was completed (a form lives one "
                "hour): nothing was saved; run the command again for a new form"
            )
        sleep(poll_interval)


def save_with_form(api: ApiClient, integration_id: str, form_id: str) -> None:
    """EditUserThirdPartyIntegration with only ``secure_form_id``.

    A lost answer is retried; a retry told ``secure_form_used`` means the lost attempt saved
    them (only this run knows the form's id), so that is success: the read-back decides.
    """
    retried: list[int] = []
    try:
        api.request(
            "POST",
            f"{USER_PATH}/{integration_id}",
            operation="EditUserThirdPartyIntegration",
            json_body={"secure_form_id": form_id},
            on_retry=lambda _exc, attempt: retried.append(attempt),
        )
    except ApiError as exc:
        if not (retried and exc.error_code == "secure_form_used"):
            raise


def credentials_saved(live: LiveIntegration, credential_id: str) -> bool:
    return credential_id in live.credentials_saved


@dataclass(frozen=True)
class AssetField:
    """One asset select after new credentials: what RevCent offers now, what is saved, wanted."""

    path: str  # options.<option>.<field>
    offered: tuple[str, ...]
    saved: tuple[str, ...]
    wanted: tuple[str, ...] | None  # the YAML's values, when it manages this field

    @property
    def stale(self) -> tuple[str, ...]:
        """Saved or wanted values the account no longer (or not) offers."""
        values = [*self.saved, *(self.wanted or ())]
        return tuple(dict.fromkeys(v for v in values if v not in self.offered))


def recheck_assets(live: LiveIntegration, desired: DesiredIntegration | None) -> list[AssetField]:
    """Every asset field of the integration, read after the credentials changed [doc]."""
    current = live
    wanted = desired_options(desired) if desired is not None else {}
    out = []
    for option in current.catalog.options():
        option_id = str(option.get("id"))
        for definition in option.get("fields") or []:
            field_id = str(definition.get("id"))
            if not current.catalog.is_asset(option_id, field_id):
                continue
            out.append(
                AssetField(
                    f"options.{option_id}.{field_id}",
                    tuple(current.catalog.assets(option_id, field_id)),
                    current.values(option_id, field_id) or (),
                    wanted.get(option_id, {}).get(field_id),
                )
            )
    return out
