"""Secure Forms: one-hour forms a person fills in with a site integration's credentials.

Why in the sandbox: the vendor's guide (seed 002) saves credentials with ``secure_form_id``
so that no secret passes through a tool or a chat. The sandbox implements the strictest
reading (docs/secure-forms.md): a form lives one hour from creation and its data is deleted
at expiry; a completed form cannot be changed; an Edit may use it once, only for an
integration of the same site integration, only while completed and unexpired.

Hygiene as for integrations (docs/sandbox-security.md): the form keeps salted fingerprints
of the values, never the values, and wipes them once used or expired. The URL token that
lets a person open the form is stored only as a fingerprint too, so the database cannot
reopen a form.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.sandbox.fingerprint import Fingerprints
from reconciler.sandbox.ids import new_id
from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.errors import RevCentFailure
from reconciler.sandbox.store import Store

LIFETIME = 3600  # seconds a form lives, from creation [doc: seed 002, "one hour"]
FORM_SOURCE = "third_party_integration"
MAX_VALUE = 8192  # characters of one credential value typed into the form
FORM_PATH = "/secure_form/"  # the page a person opens: no API key, the URL token is the key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS secure_forms (
    id                TEXT PRIMARY KEY,
    token             TEXT NOT NULL UNIQUE,   -- fingerprint of the URL token, never the token
    form_source       TEXT NOT NULL,
    form_source_id    TEXT NOT NULL,          -- the site third-party integration id
    created_unix      INTEGER NOT NULL,
    expires_unix      INTEGER NOT NULL,
    completed_unix    INTEGER,                -- NULL while pending
    credential_values TEXT NOT NULL,          -- JSON {field id: fingerprint}; {} once wiped
    used_by           TEXT,                   -- the integration whose Edit used it
    used_unix         INTEGER
);
"""
_COLUMNS = (
    "id, form_source, form_source_id, created_unix, expires_unix, completed_unix, "
    "credential_values, used_by"
)


@dataclass
class SecureForm:
    """One form as stored."""

    id: str
    form_source: str
    form_source_id: str
    created_unix: int
    expires_unix: int
    completed_unix: int | None
    values: dict[str, str] = field(default_factory=dict, repr=False)  # fingerprints
    used_by: str | None = None

    def status(self, now: int) -> str:
        """``expired`` once its hour is over, else ``completed`` or ``pending``."""
        if now >= self.expires_unix:
            return "expired"
        return "completed" if self.completed_unix is not None else "pending"

    def view(self, now: int) -> dict[str, Any]:
        """The GetSecureForm body without the call envelope."""
        return {
            "id": self.id,
            "form_source": self.form_source,
            "form_source_id": self.form_source_id,
            "completed": self.completed_unix is not None,
            "status": self.status(now),
            "created_date_unix": self.created_unix,
            "expiration_date_unix": self.expires_unix,
            "completed_date_unix": self.completed_unix,
        }


class SecureForms:
    """The secure forms of one sandbox account (same database as its integrations)."""

    def __init__(self, store: Store, clock: Any = time.time):
        self.store = store
        self._db = store.connection
        self._db.executescript(_SCHEMA)
        self._clock = clock

    def now(self) -> int:
        return int(self._clock())

    # -- API ---------------------------------------------------------------------------------
    def create(self, body: Any) -> tuple[SecureForm, str]:
        """CreateSecureForm: the new form and its URL token (returned once, stored hashed)."""
        if not isinstance(body, dict):
            raise RevCentFailure("invalid_request", "body: must be of type object")
        extra = sorted(k for k in body if k not in ("form_source", "form_source_id"))
        if extra:
            raise RevCentFailure(
                "invalid_request", f"body: unknown property {', '.join(map(repr, extra))}"
            )
        for key in ("form_source", "form_source_id"):
            if key not in body:
                raise RevCentFailure("invalid_request", f"body: missing required property {key!r}")
            if not isinstance(body[key], str):
                raise RevCentFailure("invalid_request", f"{key}: must be of type string")
        if body["form_source"] != FORM_SOURCE:
            raise RevCentFailure(
                "invalid_request",
                f"form_source: the sandbox supports only '{FORM_SOURCE}'",
            )
        site_id = body["form_source_id"]
        if catalog.site_integration(site_id) is None:
            raise RevCentFailure(
                "unknown_site_integration",
                f"form_source_id: '{site_id}' is not a site third party integration",
            )
        self.sweep()
        now = self.now()
        token = secrets.token_urlsafe(32)
        form = SecureForm(new_id(), FORM_SOURCE, site_id, now, now + LIFETIME, None)
        self._db.execute(
            "INSERT INTO secure_forms (id, token, form_source, form_source_id, created_unix, "
            "expires_unix, credential_values) VALUES (?, ?, ?, ?, ?, ?, '{}')",
            (form.id, self.store.fingerprint(token), FORM_SOURCE, site_id, now, form.expires_unix),
        )
        return form, token

    def get(self, form_id: str) -> SecureForm:
        """GetSecureForm's record, or ``secure_form_not_found``."""
        self.sweep()
        form = self._one("id = ?", form_id)
        if form is None:
            raise RevCentFailure("secure_form_not_found", f"no secure form has id '{form_id}'")
        return form

    def claim(self, form_id: Any, site_id: str) -> Fingerprints:
        """The saved values a completed form gives an Edit on ``site_id``, or the refusal.

        Does not mark the form used: ``mark_used`` does, in the transaction of the write.
        """
        if not isinstance(form_id, str):
            raise RevCentFailure("invalid_request", "secure_form_id: must be of type string")
        if len(form_id) != 20:
            raise RevCentFailure("invalid_request", "secure_form_id: must be exactly 20 characters")
        form = self.get(form_id)
        now = self.now()
        if form.status(now) == "expired":
            raise RevCentFailure(
                "secure_form_expired",
                f"secure_form_id: secure form '{form_id}' expired; create a new one",
            )
        if form.used_by is not None:
            raise RevCentFailure(
                "secure_form_used",
                f"secure_form_id: secure form '{form_id}' was already used; a form saves "
                "credentials once",
            )
        if form.completed_unix is None:
            raise RevCentFailure(
                "secure_form_not_completed",
                f"secure_form_id: secure form '{form_id}' is not completed yet",
            )
        if form.form_source_id != site_id:
            raise RevCentFailure(
                "secure_form_site_mismatch",
                f"secure_form_id: secure form '{form_id}' collects credentials for site third "
                f"party integration {form.form_source_id}, not {site_id}",
            )
        return Fingerprints(self.store.fingerprint, form.values)

    def mark_used(self, form_id: str, integration_id: str) -> None:
        """Used once: record by whom, and wipe the values (they now live in the integration)."""
        self._db.execute(
            "UPDATE secure_forms SET used_by = ?, used_unix = ?, credential_values = '{}' "
            "WHERE id = ?",
            (integration_id, self.now(), form_id),
        )

    # -- the page ----------------------------------------------------------------------------
    def by_token(self, token: str) -> SecureForm | None:
        """The form this URL token opens (None: no such form)."""
        self.sweep()
        return self._one("token = ?", self.store.fingerprint(token))

    def complete(self, form: SecureForm, submitted: Mapping[str, str]) -> list[str]:
        """Save a person's submission; returns problems to show on the page (none: saved).

        A completed or expired form is refused by the caller before this is called.
        """
        site = catalog.site_integration(form.form_source_id)
        assert site is not None  # forms are only created for catalog sites
        spec = site["third_party_credentials"]["fields"]
        problems: list[str] = []
        values: dict[str, str] = {}
        known = {f["id"] for f in spec}
        for key in submitted:
            if key not in known:
                problems.append(f"'{key}' is not a field of this form")
        for f in spec:
            value = submitted.get(f["id"], "")
            if len(value) > MAX_VALUE:
                problems.append(f"{f['name']} is longer than {MAX_VALUE} characters")
            elif value.strip():
                values[f["id"]] = value
            elif f.get("required"):
                problems.append(f"{f['name']} is required")
        if problems:
            return problems
        sealed = json.dumps(self.store.fingerprint.values(values))
        cur = self._db.execute(
            "UPDATE secure_forms SET completed_unix = ?, credential_values = ? "
            "WHERE id = ? AND completed_unix IS NULL AND expires_unix > ?",
            (self.now(), sealed, form.id, self.now()),
        )
        if cur.rowcount != 1:  # completed or expired meanwhile (another tab)
            return ["this form is already completed or expired"]
        return []

    # -- housekeeping ------------------------------------------------------------------------
    def sweep(self) -> None:
        """Delete the data of expired forms: at expiry a form is deleted with its data [doc];
        the sandbox keeps the bare record so GetSecureForm can say ``expired``."""
        self._db.execute(
            "UPDATE secure_forms SET credential_values = '{}' "
            "WHERE expires_unix <= ? AND credential_values != '{}'",
            (self.now(),),
        )

    def age(self, form_id: str, seconds: int) -> SecureForm:
        """Sandbox-only: move a form's creation and expiry ``seconds`` into the past."""
        self.get(form_id)
        self._db.execute(
            "UPDATE secure_forms SET created_unix = created_unix - ?, "
            "expires_unix = expires_unix - ? WHERE id = ?",
            (seconds, seconds, form_id),
        )
        return self.get(form_id)

    def _one(self, where: str, arg: str) -> SecureForm | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM secure_forms WHERE {where}", (arg,)
        ).fetchone()
        if row is None:
            return None
        return SecureForm(
            id=row[0],
            form_source=row[1],
            form_source_id=row[2],
            created_unix=row[3],
            expires_unix=row[4],
            completed_unix=row[5],
            values=json.loads(row[6]),
            used_by=row[7],
        )
