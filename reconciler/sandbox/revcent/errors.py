"""Every error RevCent's part of the sandbox answers, with its HTTP status, in one table.

Why one table: handlers raise ``RevCentFailure("code", message)`` and the status comes from
here, so a code can never be answered with two statuses, and a test checks that
docs/sandbox.md documents each one. The core's codes (``apierror.CORE_CODES``) are among them.
"""

from __future__ import annotations

from reconciler.sandbox.apierror import ApiFailure

# error_code -> (HTTP status, when it is answered)
ERROR_CODES: dict[str, tuple[int, str]] = {
    "missing_api_key": (401, "no `x-api-key` header"),
    "invalid_api_key": (401, "`x-api-key` is not the sandbox's key"),
    "invalid_json": (400, "the body is not JSON"),
    "body_too_large": (413, "the body is over 1 MiB"),
    "invalid_request": (
        400,
        "the body fails the vendor's request schema (message names the property)",
    ),
    "invalid_parameter": (400, "`limit` not 1..25, `page` < 1, or not integers"),
    "nothing_to_edit": (400, "an Edit body with no property"),
    "duplicate_name": (409, "another integration already has this name (create or rename)"),
    "integration_not_found": (404, "no user integration has this id"),
    "unknown_site_integration": (400, "Create names a site integration that is not in the catalog"),
    "site_integration_not_found": (404, "GET of a site integration id not in the catalog"),
    "credential_id_mismatch": (400, "`third_party_credentials.id` is not the site's credential id"),
    "unknown_credential_field": (400, "a credential field id the site does not define"),
    "duplicate_credential_field": (400, "a credential field id sent twice"),
    "missing_credential_field": (400, "a required credential field is missing or empty"),
    "unknown_option": (400, "an option id the site does not define"),
    "duplicate_option": (400, "an option id sent twice in `third_party_options`"),
    "unknown_option_field": (400, "a field id the option does not define"),
    "duplicate_option_field": (400, "a field id sent twice in one option"),
    "missing_option_field": (
        400,
        "a saved option lacks one of its required fields, or its value is empty",
    ),
    "too_many_values": (
        400,
        "more than one value for an input field or a `multiple: false` select",
    ),
    "invalid_option_value": (
        400,
        "a select value not among the static options or the account's assets",
    ),
    "credentials_not_saved": (400, "asset values sent while no credentials are saved"),
    "integration_incomplete": (
        400,
        "the integration would be enabled without credentials or a required option",
    ),
    "secure_form_not_found": (404, "no secure form has this id (Get, or `secure_form_id`)"),
    "secure_form_not_completed": (400, "`secure_form_id` of a form nobody has submitted yet"),
    "secure_form_expired": (400, "`secure_form_id` of a form past its hour (its data is deleted)"),
    "secure_form_site_mismatch": (
        400,
        "`secure_form_id` of a form for another site integration than the integration's",
    ),
    "secure_form_used": (409, "`secure_form_id` of a form an earlier Create/Edit already used"),
    "not_found": (404, "unknown route"),
    "method_not_allowed": (405, "known route, other method"),
    "rate_limited": (429, "over the injected rate limit; see `Retry-After`"),
    "internal_error": (500, "injected server fault (or a sandbox bug)"),
    "service_unavailable": (503, "injected server fault"),
}


class RevCentFailure(ApiFailure):
    """An error answer with one of RevCent's codes (status from the table above)."""

    codes = ERROR_CODES
