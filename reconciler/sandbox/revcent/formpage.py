"""The page a person opens at a secure form's ``form_url``: a real HTML form, no API key.

Why no API key: the person entering credentials is not the tool and has no key; the random
token in the URL is what opens the form (stored only as a fingerprint). The page is plain
HTML with no script, sent with headers that keep it out of caches, frames and referrers.
What a submission holds is never logged, echoed or stored as typed (fingerprints only).
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from reconciler.sandbox.revcent import catalog
from reconciler.sandbox.revcent.account import service_of
from reconciler.sandbox.revcent.secureforms import FORM_PATH, MAX_VALUE, SecureForm

routes = web.RouteTableDef()

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",  # the URL holds the token
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
MAX_FORM_BYTES = 64 * 1024

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}"
    "label{display:block;margin-top:1rem;font-weight:600}"
    "input{width:100%;padding:.4rem;margin-top:.3rem;box-sizing:border-box}"
    "button{margin-top:1.5rem;padding:.5rem 1.2rem}.problem{color:#a00}.muted{color:#555}"
)


def _page(title: str, body: str, status: int = 200) -> web.Response:
    doc = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )
    resp = web.Response(text=doc, status=status, content_type="text/html", charset="utf-8")
    resp.headers.update(HEADERS)
    return resp


def _closed(form: SecureForm | None, now: int, submitting: bool) -> web.Response | None:
    """The page for a form that cannot be filled in (unknown, expired, completed), else None.

    A submission to a completed form is refused (409): a completed form cannot be changed.
    """
    if form is None:
        text = '<p id="status">This secure form does not exist.</p>'
        return _page("Secure form not found", text, 404)
    status = form.status(now)
    if status == "expired":
        text = (
            '<p id="status">This secure form expired (a form lives one hour); its data was '
            "deleted. Ask for a new form.</p>"
        )
        return _page("Secure form expired", text, 410)
    if status == "completed":
        text = (
            '<p id="status">This secure form is already completed and cannot be changed. '
            "Ask for a new form to enter other credentials.</p>"
        )
        return _page("Secure form completed", text, 409 if submitting else 200)
    return None


def _form(form: SecureForm, action: str, problems: list[str]) -> web.Response:
    site = catalog.site_integration(form.form_source_id)
    assert site is not None
    creds = site["third_party_credentials"]
    parts = [
        f"<p>{html.escape(site['name'])}: {html.escape(creds['name'])}.</p>",
        f'<p class="muted">{html.escape(creds["description"])}</p>',
    ]
    if problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        parts.append(f'<ul id="problems" class="problem">{items}</ul>')
    fields = []
    for f in creds["fields"]:
        fid = html.escape(f["id"])
        required = " required" if f.get("required") else ""
        mark = " *" if f.get("required") else ""
        fields.append(
            f'<label for="{fid}">{html.escape(f["name"])}{mark}</label>'
            f'<input type="password" id="{fid}" name="{fid}" autocomplete="off" '
            f'maxlength="{MAX_VALUE}"{required}>'
        )
    parts.append(
        f'<form method="post" action="{html.escape(action)}">'
        + "".join(fields)
        + '<button type="submit" id="submit">Save credentials</button></form>'
        '<p class="muted">Values are sent to RevCent only; this form expires one hour after '
        "it was created and can be submitted once.</p>"
    )
    return _page("Enter credentials", "".join(parts), 400 if problems else 200)


def _open_form(request: web.Request, *, submitting: bool) -> SecureForm | web.Response:
    """The form the URL's token opens, or the page saying why it cannot be used."""
    forms = service_of(request).forms
    form = forms.by_token(request.match_info["token"])
    closed = _closed(form, forms.now(), submitting=submitting)
    if closed is not None:
        return closed
    assert form is not None  # _closed answers for a token no form has
    return form


@routes.get(FORM_PATH + "{token}")
async def show_form(request: web.Request) -> web.Response:
    form = _open_form(request, submitting=False)
    if isinstance(form, web.Response):
        return form
    return _form(form, request.path, [])


@routes.post(FORM_PATH + "{token}")
async def submit_form(request: web.Request) -> web.Response:
    form = _open_form(request, submitting=True)
    if isinstance(form, web.Response):
        return form
    forms = service_of(request).forms
    raw = await request.content.read(MAX_FORM_BYTES + 1)
    if len(raw) > MAX_FORM_BYTES:
        return _form(form, request.path, ["the submission is too large"])
    submitted = _fields(raw)
    if submitted is None:
        return _form(form, request.path, ["the submission is not a form"])
    problems = forms.complete(form, submitted)
    if problems:
        again = _closed(forms.by_token(request.match_info["token"]), forms.now(), True)
        return again or _form(form, request.path, problems)
    text = (
        '<p id="status">Thank you: the credentials were received. You can close this page; '
        "the tool that asked for them saves them next.</p>"
    )
    return _page("Credentials received", text)


def _fields(raw: bytes) -> dict[str, Any] | None:
    """``application/x-www-form-urlencoded`` fields, each once; None if it is not that."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            return None
        fields[key] = value
    return fields
