"""Desired Solvimon integrations checked against the live account, as pure data in/out.

Why these rules (docs/solvimon.md): Solvimon cannot change an integration's ``type``; an
ARCHIVED integration is read-only; ``status`` moves only through activate, deprecate and
archive; and an integration becomes ACTIVE only when its type object names a variant and the
fields that variant needs are set [assumed, the strictest reading the sandbox enforces].
``validate --live`` and ``plan`` both ask these questions before anything is planned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.errors import Problem
from reconciler.providers.solvimon.desired import DesiredSolvimonIntegration
from reconciler.providers.solvimon.fields import TYPE_OBJECTS, VARIANTS, lookup, secret_set

Body = Mapping[str, Any]
CREATED_AS = "DRAFT"  # what a create makes (reconciler never sends status in a create)
SET_BY_SOLVIMON = ("DRAFT", "PENDING", "TESTING", "ERROR")

# What must be set before an integration may become ACTIVE, per (type, variant) [assumed].
# Kept apart, on purpose, from the sandbox's copy (reconciler/sandbox/solvimon/rules.py):
# the sandbox plays the vendor and the provider is the client's reading of it; one shared
# table could never catch a wrong reading in a test.
REQUIRED_TO_ACTIVATE: dict[tuple[str, str], tuple[str, ...]] = {
    ("PAYMENT_GATEWAY", "STRIPE"): (
        "payment_gateway.stripe.public_key",
        "authentication.api_key.value",
    ),
    ("PAYMENT_GATEWAY", "ADYEN"): (
        "payment_gateway.adyen.company_account",
        "payment_gateway.adyen.merchant_accounts",
        "authentication.api_key.value",
    ),
    ("E_INVOICING", "AVALARA"): (
        "e_invoicing.mandates",
        "authentication.client_credentials.client_id",
        "authentication.client_credentials.client_secret",
    ),
    ("TAX_CALCULATION", "AVATAX"): (
        "tax_calculation.ava_tax.company_code",
        "authentication.username_password.username",
        "authentication.username_password.password",
    ),
    ("DATA_EXPORT", "S3"): ("data_export.s3.bucket_name", "data_export.s3.bucket_region"),
    ("DATA_EXPORT", "BIGQUERY"): (
        "data_export.bigquery.project_id",
        "data_export.bigquery.dataset_id",
    ),
    ("DATA_EXPORT", "GCS"): ("data_export.gcs.bucket_name",),
    ("DATA_EXPORT", "SNOWFLAKE"): ("data_export.snowflake.host", "data_export.snowflake.database"),
    ("EMAIL_PROVIDER", "MAILGUN"): (
        "email_provider.mailgun.domain",
        "authentication.api_key.value",
    ),
    ("EMAIL_PROVIDER", "SYSTEM"): (),
}


def status_actions(current: str, wanted: str | None, *, new: bool) -> tuple[list[str], str]:
    """The status operations leading from ``current`` to ``wanted``, or why none can.

    Returns ``(actions, "")`` or ``([], reason)``.
    """
    if wanted is None or wanted == current:
        return [], ""
    if current == "ARCHIVED":
        return [], "it is ARCHIVED, which is final in Solvimon"
    if wanted == "ACTIVE":
        return ["activate"], ""
    if wanted == "ARCHIVED":
        return ["archive"], ""
    if wanted == "DEPRECATED":
        if current == "ACTIVE":
            return ["deprecate"], ""
        if new:
            return [], "a new integration cannot start DEPRECATED (Solvimon deprecates ACTIVE ones)"
        return [], f"Solvimon deprecates only ACTIVE integrations, and it is {current}"
    return [], f"{wanted} is set by Solvimon itself; no operation leads there (it is {current})"


def check_live(desired: Sequence[Any], live: Mapping[str, Body]) -> list[Problem]:
    """Every live problem of the Solvimon ``desired`` objects; ``live`` maps a desired
    object's name (its reference) to its matched live body."""
    problems: list[Problem] = []
    for item in desired:
        if isinstance(item, DesiredSolvimonIntegration):
            problems.extend(problems_for(item, live.get(item.key)))
    return sorted(problems)


def problems_for(item: DesiredSolvimonIntegration, live: Body | None) -> list[Problem]:
    doc = item.document
    problems: list[Problem] = []
    if live is not None and live.get("type") and live.get("type") != item.type:
        problems.append(
            doc.problem(
                ("type",),
                f"{item.key}: the live integration is of type {live.get('type')}; Solvimon "
                f"cannot change it to {item.type}",
                "give the new integration another reference, and archive the old one",
            )
        )
        return problems
    current = str(live.get("status") or CREATED_AS) if live is not None else CREATED_AS
    _, reason = status_actions(current, item.status, new=live is None)
    if reason:
        problems.append(
            doc.problem(
                ("status",),
                f"{item.key}: cannot make the status {item.status}: {reason}",
                "write the status it has, or leave 'status' out to leave it unmanaged",
            )
        )
    if item.status == "ACTIVE" and current != "ACTIVE" and not reason:
        missing = missing_to_activate(item, live)
        if missing:
            problems.append(
                doc.problem(
                    ("status",),
                    f"cannot activate {item.key!r} while it is incomplete: "
                    f"{', '.join(missing)} not set",
                    "set them in this file, or leave status out until they are",
                )
            )
    return problems


def missing_to_activate(item: DesiredSolvimonIntegration, live: Body | None) -> list[str]:
    """What an ACTIVE integration needs that neither the YAML nor Solvimon holds."""
    own = TYPE_OBJECTS[item.type]
    variant_key, _ = VARIANTS[own]
    variant = _value(item, live, (own, variant_key))
    if variant is None:
        return [f"{own}.{variant_key}"]
    required = REQUIRED_TO_ACTIVATE.get((item.type, str(variant)), ())
    return [path for path in required if not _is_set(_value(item, live, tuple(path.split("."))))]


def _value(item: DesiredSolvimonIntegration, live: Body | None, spath: tuple[str, ...]) -> Any:
    """The value at ``spath`` once applied: the YAML's if written, else the live one."""
    written = lookup(item.settings, spath)
    return written if written is not None else lookup(live or {}, spath)


def _is_set(value: Any) -> bool:
    if isinstance(value, str):
        return secret_set(value)
    return value not in (None, [], {})
