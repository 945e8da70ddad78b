"""The shape of RevCent answers, checked once where they arrive: wrong types never reach planning.

Why: planning, verification, drift and import read these bodies in many places; a string where
a list belongs must become one clear ``MalformedResponse`` naming the field, not a TypeError
deep inside (a traceback) or, worse, a silent misreading (``"enabled": "no"`` is truthy). Only
the types of what reconciler reads are checked; unknown keys are ignored, and a key that is
absent or null passes (the tool reads it as empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SITE = "site_third_party_integration"


class _Wrong(Exception):
    """One misplaced type: where, and what was expected there."""


def integration_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a GetUserThirdPartyIntegration body, or None.

    The embedded ``site_third_party_integration`` is only checked to be an object here: check
    it with ``site_problem`` (once per distinct catalog, it is the larger part). A body that
    passes the quick check needs no located one (whose paths cost more than the check).
    """
    if _integration_fine(body):
        return None
    return _integration_located(body)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, str | int | float)


def _integration_fine(body: Mapping[str, Any]) -> bool:
    """The checks of ``_integration_located`` as one yes/no, without building any path."""
    description, enabled = body.get("description"), body.get("enabled")
    if not (description is None or isinstance(description, str)):
        return False
    if not (enabled is None or isinstance(enabled, bool)):
        return False
    creds = body.get("third_party_credentials_saved")
    if creds is not None and not (isinstance(creds, list) and all(map(_is_text, creds))):
        return False
    options = body.get("third_party_options_saved")
    if options is not None:
        if not isinstance(options, list):
            return False
        for option in options:
            if not isinstance(option, Mapping) or not isinstance(option.get("id"), str):
                return False
            fields = option.get("fields")
            if fields is None:
                continue
            if not isinstance(fields, list):
                return False
            for field in fields:
                if not isinstance(field, Mapping) or not isinstance(field.get("id"), str):
                    return False
                values = field.get("value")
                if values is not None and not (
                    isinstance(values, list) and all(map(_is_scalar, values))
                ):
                    return False
    site = body.get(SITE)
    return site is None or isinstance(site, Mapping)


def _integration_located(body: Mapping[str, Any]) -> str | None:
    """What is wrong with the body, at its path (see integration_problem)."""
    creds_key = "third_party_credentials_saved"
    try:
        _text(body.get("description"), "description")
        _bool(body.get("enabled"), "enabled")
        for i, cred in enumerate(_list(body.get(creds_key), creds_key)):
            _text(cred, f"{creds_key}[{i}]", required=True)
        saved = "third_party_options_saved"
        for i, option in enumerate(_list(body.get(saved), saved)):
            where = f"{saved}[{i}]"
            _object(option, where, required=True)
            _text(option.get("id"), f"{where}.id", required=True)
            for j, field in enumerate(_list(option.get("fields"), f"{where}.fields")):
                here = f"{where}.fields[{j}]"
                _object(field, here, required=True)
                _text(field.get("id"), f"{here}.id", required=True)
                for k, value in enumerate(_list(field.get("value"), f"{here}.value")):
                    _scalar(value, f"{here}.value[{k}]")
        _object(body.get(SITE), SITE)
    except _Wrong as wrong:
        return str(wrong)
    return None


def site_problem(site: Mapping[str, Any], where: str = SITE) -> str | None:
    """What is wrong with a site integration (a catalog entry), or None."""
    try:
        _text(site.get("id"), f"{where}.id", required=True)
        _text(site.get("name"), f"{where}.name")
        creds = site.get("third_party_credentials")
        _object(creds, f"{where}.third_party_credentials")
        if creds is not None:
            _text(creds.get("id"), f"{where}.third_party_credentials.id")
            fields = _list(creds.get("fields"), f"{where}.third_party_credentials.fields")
            for i, field in enumerate(fields):
                here = f"{where}.third_party_credentials.fields[{i}]"
                _object(field, here, required=True)
                _text(field.get("id"), f"{here}.id", required=True)
        options = f"{where}.third_party_options"
        for i, option in enumerate(_list(site.get("third_party_options"), options)):
            _object(option, f"{options}[{i}]", required=True)
            _text(option.get("id"), f"{options}[{i}].id", required=True)
            for j, field in enumerate(_list(option.get("fields"), f"{options}[{i}].fields")):
                here = f"{options}[{i}].fields[{j}]"
                _object(field, here, required=True)
                _text(field.get("id"), f"{here}.id", required=True)
                settings = field.get("select_settings")
                _object(settings, f"{here}.select_settings")
                if settings is not None:
                    _bool(settings.get("multiple"), f"{here}.select_settings.multiple")
                    asset = settings.get("third_party_asset")
                    _bool(asset, f"{here}.select_settings.third_party_asset")
                    choices = _list(settings.get("options"), f"{here}.select_settings.options")
                    for k, value in enumerate(choices):
                        _scalar(value, f"{here}.select_settings.options[{k}]")
    except _Wrong as wrong:
        return str(wrong)
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fail(value: Any, where: str, expected: str) -> _Wrong:
    return _Wrong(f"'{where}' is {_kind(value)}, not {expected}")


def _text(value: Any, where: str, *, required: bool = False) -> None:
    if not isinstance(value, str) and (required or value is not None):
        raise _fail(value, where, "text")


def _bool(value: Any, where: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise _fail(value, where, "true/false")


def _scalar(value: Any, where: str) -> None:
    """Option values are text; numbers pass (read as their decimal text), nothing else."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(value, where, "text")


def _object(value: Any, where: str, *, required: bool = False) -> None:
    if not isinstance(value, Mapping) and (required or value is not None):
        raise _fail(value, where, "an object")


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(value, where, "a list")
    return value
