"""JSON Schema validation at run time, each error turned into one located, human Problem.

Why the schema file is the rule and this module only the voice: editors validate with the same
file through the modeline, so the two can never disagree. The schema may carry annotations
that only shape our messages (editors ignore unknown keywords):

- ``x-label``: how a node is named, e.g. ``"credential field '{key}'"``
- ``x-messages`` / ``x-hints``: keyword -> message / hint replacing the generic one
- ``x-key``: what the keys of a map are (``"option id"``), for invalid-key messages
- ``x-suggest``: candidates for "did you mean" on a pattern error
- ``x-at``: a child key to point at instead of the mapping

Templates may use ``{label}``, ``{value}``, ``{key}``, ``{parent}``, ``{grandparent}``,
``{index}`` (1-based) and ``{length}``. Values under a kind's secret roots (its descriptor's
``secret_roots``, e.g. RevCent's ``credentials``) are never shown: a literal secret written
there must not be printed back.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema

import reconciler
from reconciler.errors import ConfigError, Problem
from reconciler.model import Document, PathKey

if TYPE_CHECKING:  # jsonschema is imported only when a document needs it (about 80 ms)
    from jsonschema import Draft202012Validator, ValidationError

# The top-level keys of the document being checked whose values are secrets (the kind's
# descriptor says which); set per validate() call, read where a value would be shown.
_secret_roots: ContextVar[frozenset[str]] = ContextVar("secret_roots", default=frozenset())
_FIELD = re.compile(r"\{(\w+)\}")
_TYPES = {
    "boolean": "true or false",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


def schema_dirs() -> list[Path]:
    """Where schemas live: inside the installed package, or at the top of a source checkout."""
    package = Path(reconciler.__file__).resolve().parent
    return [package / "_schemas", package.parent / "schemas"]


def schema_path(name: str) -> Path:
    """The schema file ``name``; a missing one means a broken install, said plainly.

    An absolute path (a plugin provider's own schema) is taken as it is.
    """
    if Path(name).is_absolute():
        if Path(name).is_file():
            return Path(name)
        raise ConfigError(f"schema {name} not found; reinstall the provider that declares it")
    for directory in schema_dirs():
        candidate = directory / name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in schema_dirs())
    raise ConfigError(f"schema {name} not found (searched {searched}); reinstall reconciler")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema ``name`` (read once per process)."""
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data


@cache
def _validator_class() -> Any:
    """Draft 2020-12 with this tool's integers, made on first use: a large valid repository
    is checked by the fast validator alone and never imports jsonschema.

    JSON Schema counts 2.0 as an integer; YAML's 2.0 (or +15550101) is a float the user should
    quote, or "2.0" would silently become "2" or "15550101.0". So only real ints are integers.
    """
    from jsonschema import Draft202012Validator, validators

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
            "integer",
            lambda _checker, value: isinstance(value, int) and not isinstance(value, bool),
        ),
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for schema ``name``, built once: validating 1,000 files reuses it."""
    schema = load_schema(name)
    kind = _validator_class()
    kind.check_schema(schema)
    compiled: Draft202012Validator = kind(_inline_refs(schema, schema.get("$defs", {}), ()))
    return compiled


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    """The schema with local ``$ref``s replaced by their target: same meaning, and about
    twice as fast to validate, since jsonschema resolves each ``$ref`` on every use.
    A recursive reference is left as it is."""
    if isinstance(node, list):
        return [_inline_refs(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _inline_refs(v, defs, seen) for k, v in node.items() if k != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs and ref not in seen:
        target = _inline_refs(defs[ref[8:]], defs, (*seen, ref))
        return {**target, **out}
    if ref is not None:
        out["$ref"] = ref
    return out


def validate(
    document: Document, schema_name: str, secret_roots: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every schema problem of ``document``, each at its node; duplicates dropped.

    Values under ``secret_roots`` (top-level keys) are never shown in a message.
    """
    if _surely_valid(schema_name, document.data, document.numbers):
        return []
    problems: dict[tuple[int, int, str], Problem] = {}
    token = _secret_roots.set(secret_roots)
    try:
        for error in validator(schema_name).iter_errors(document.data):
            for problem in _problems(document, error):
                problems.setdefault((problem.line, problem.column, problem.message), problem)
    finally:
        _secret_roots.reset(token)
    return sorted(problems.values())


# Documents of one schema validated before its fast validator is compiled: compiling costs
# 25-230 ms (the Solvimon schema is large), i.e. a few hundred validations by jsonschema.
FAST_AFTER = 200
_validated: dict[str, int] = {}
_fast_lock = threading.Lock()


def expect(schema_name: str, documents: int) -> None:
    """This run will validate ``documents`` documents of ``schema_name``: when that is a large
    run, use the fast check from the first one (it pays for its compiling anyway)."""
    if documents >= FAST_AFTER:
        with _fast_lock:
            _validated[schema_name] = max(_validated.get(schema_name, 0), FAST_AFTER)


def _surely_valid(schema_name: str, data: Any, numbers: bool | None = None) -> bool:
    """True only when ``data`` is valid: fastjsonschema's compiled check, for large runs.

    Why: jsonschema spends ~250 µs on a valid document, the compiled check ~20-35 µs, and
    most documents of a large repository are valid. The compiled check only ever answers
    "valid"; anything it refuses is validated again by jsonschema, whose errors (with paths,
    for file:line messages) are the ones shown. Documents holding numbers are left to
    jsonschema: fastjsonschema (draft 7) counts 2.0 as an integer and 1 as equal to ``true``
    in ``const``/``enum``, where this tool's rules differ. tests/config/test_fast_schema.py
    checks, on random documents, that it never accepts what jsonschema refuses.
    """
    with _fast_lock:
        seen = _validated.get(schema_name, 0)
        _validated[schema_name] = seen + 1
    if seen < FAST_AFTER or (_has_number(data) if numbers is None else numbers):
        return False
    check = fast_validator(schema_name)
    try:
        check(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _has_number(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_number(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


@cache
def fast_validator(name: str) -> Callable[[Any], Any]:
    """Schema ``name`` compiled by fastjsonschema, as draft 7 (its keywords here are)."""
    schema = load_schema(name)
    inlined = _inline_refs(schema, schema.get("$defs", {}), ())
    draft7 = {k: v for k, v in _rules_only(inlined).items() if k not in ("$schema", "$id")}
    draft7["$schema"] = "http://json-schema.org/draft-07/schema#"
    compiled: Callable[[Any], Any] = fastjsonschema.compile(
        draft7, use_formats=False, use_default=False
    )
    return compiled


# Keywords that only describe (JSON Schema annotations, and this tool's ``x-`` ones).
_ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment"})
# Keywords whose value maps names (not keywords) to schemas, or holds data, not schemas.
_NAMES_TO_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_DATA = frozenset({"enum", "const", "required", "dependencies", "dependentRequired"})


def _rules_only(node: Any) -> Any:
    """``node`` without annotations, which never change what is valid.

    Why: fastjsonschema writes the schema under every check it generates (for its error
    messages, which the fast check never shows), so descriptions and hints made most of its
    code: compiling the RevCent schema took about half the time without them.
    """
    if isinstance(node, list):
        return [_rules_only(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key in _NAMES_TO_SCHEMAS and isinstance(value, dict):
            out[key] = {name: _rules_only(schema) for name, schema in value.items()}
        elif key in _DATA:
            out[key] = value
        else:
            out[key] = _rules_only(value)
    return out


def _is_secret(path: PathKey) -> bool:
    return bool(path) and path[0] in _secret_roots.get()


def _problems(document: Document, error: ValidationError) -> Iterator[Problem]:
    path: PathKey = tuple(error.absolute_path)
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    keyword = str(error.validator)
    instance = error.instance
    if keyword == "additionalProperties" and isinstance(instance, dict):
        yield from _unknown_keys(document, path, schema, instance)
        return
    if keyword == "required" and isinstance(instance, dict):
        required: list[str] = error.validator_value  # type: ignore[assignment]
        for key in required:
            if key not in instance:
                hint = _hint(schema, "required") or _describe_property(schema, key)
                # At the mapping's own key ("credentials:"), the line a reader looks at.
                yield document.key_problem(path, f"missing required key {key!r}", hint)
        return
    if keyword == "uniqueItems" and isinstance(instance, list):
        index = _first_repeat(instance)
        message = f"{_label(schema, path)} lists {_show(instance[index], path)} twice"
        yield document.problem((*path, index), message, "remove the repeated entry")
        return
    message = _template(schema, keyword, path, instance) or _generic(keyword, error, path)
    hint = _hint(schema, keyword) or _generic_hint(keyword, error, path)
    if keyword == "pattern" and "x-suggest" in schema and isinstance(instance, str):
        close = difflib.get_close_matches(instance, schema["x-suggest"], n=1)
        hint = f"did you mean {close[0]!r}?" if close else hint
    at = schema.get("x-at")
    if at and isinstance(instance, dict) and at in instance:
        yield document.key_problem((*path, at), message, hint)
    else:
        yield document.problem(path, message, hint)


def _unknown_keys(
    document: Document, path: PathKey, schema: dict[str, Any], instance: dict[str, Any]
) -> Iterator[Problem]:
    known = list(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    for key in instance:
        if key in known or any(p.search(key) for p in patterns):
            continue
        if not known:  # a map with free keys that must look like ids
            what = schema.get("x-key", "key")
            hint = "use letters, digits, '_' and '-' only"
            yield document.key_problem((*path, key), f"invalid {what} {key!r}", hint)
            continue
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(known)
        where = f" in {_dotted(path)!r}" if path else ""
        yield document.key_problem((*path, key), f"unknown key {key!r}{where}", hint)


def _fields(schema: dict[str, Any], path: PathKey, instance: Any) -> dict[str, str]:
    fields = {
        "key": str(path[-1]) if path else "",
        "parent": str(path[-2]) if len(path) > 1 else "",
        "grandparent": str(path[-3]) if len(path) > 2 else "",
        "index": str(path[-1] + 1) if path and isinstance(path[-1], int) else "",
        "value": _show(instance, path),
        "length": str(len(instance)) if isinstance(instance, str | list | dict) else "",
    }
    fields["label"] = _fill(schema.get("x-label", ""), fields) or _default_label(path)
    return fields


def _fill(template: str, fields: dict[str, str]) -> str:
    """Replace known ``{name}`` fields in one pass; ``{env: NAME}`` stays as written, and a
    value that itself looks like ``{key}`` is never expanded again."""
    return _FIELD.sub(lambda m: fields.get(m[1], m[0]), template)


def _template(schema: dict[str, Any], keyword: str, path: PathKey, instance: Any) -> str:
    template = schema.get("x-messages", {}).get(keyword, "")
    return _fill(template, _fields(schema, path, instance)) if template else ""


def _hint(schema: dict[str, Any], keyword: str) -> str:
    return str(schema.get("x-hints", {}).get(keyword, ""))


def _label(schema: dict[str, Any], path: PathKey) -> str:
    return _fields(schema, path, None)["label"]


def _default_label(path: PathKey) -> str:
    if path and isinstance(path[-1], int):
        return f"item {path[-1] + 1} of {_dotted(path[:-1])!r}"
    return repr(_dotted(path)) if path else "the document"


def _dotted(path: PathKey) -> str:
    return ".".join(str(p) for p in path)


def _show(value: Any, path: PathKey) -> str:
    """A value as the user wrote it; under ``credentials`` only its kind, never its content."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if _is_secret(path):
        return "text" if isinstance(value, str) else "a number"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):  # as written (the loader keeps the text): +1 is not 1.0
        return str(getattr(value, "text", repr(value)))
    return str(value)


def _expected(error: ValidationError) -> str:
    types = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    words = [_TYPES.get(str(t), str(t)) for t in types]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _generic(keyword: str, error: ValidationError, path: PathKey) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    label = _label(schema, path)
    instance = error.instance
    if keyword == "type":
        return f"{label} must be {_expected(error)}, not {_show(instance, path)}"
    if keyword in ("minLength", "minItems", "minProperties"):
        return f"{label} must not be empty"
    if keyword == "const":
        return f"{label} must be {error.validator_value!r}, not {_show(instance, path)}"
    if keyword == "enum":
        allowed_values: list[Any] = error.validator_value  # type: ignore[assignment]
        choices = ", ".join(repr(c) for c in allowed_values)
        return f"{label} must be one of {choices}, not {_show(instance, path)}"
    if keyword == "pattern":
        return f"{label} has an invalid form: {_show(instance, path)}"
    if _is_secret(path):
        return f"{label} is invalid"
    return f"{label}: {error.message}"


def _generic_hint(keyword: str, error: ValidationError, path: PathKey) -> str:
    instance = error.instance
    if keyword != "type":
        return ""
    expected = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    if instance is None:
        return "write a value, or remove the key to leave it unmanaged"
    if "boolean" in expected and isinstance(instance, str):
        return "write true or false"
    secret = _is_secret(path)
    if "string" in expected and isinstance(instance, bool | int | float) and not secret:
        return f'quote it: "{_show(instance, path)}"'
    return ""


def _describe_property(schema: dict[str, Any], key: str) -> str:
    """``add 'name': <what the schema says it is>`` for a missing required key."""
    description = str(schema.get("properties", {}).get(key, {}).get("description", ""))
    first = description.split(". ")[0].split(";")[0].rstrip(".")
    return f"add {key}: {first[:1].lower()}{first[1:]}" if first else f"add {key}"


def _first_repeat(items: list[Any]) -> int:
    for index, item in enumerate(items):
        if any(_same(item, earlier) for earlier in items[:index]):
            return index
    return len(items) - 1


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
