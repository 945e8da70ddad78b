"""Fuzzed input into ``validate``: random bytes, mutated YAML, random structures.

Whatever the file holds, ``validate`` answers exit 0 or 1 with messages, never a traceback.
The CLI runs in-process (``reconciler.cli.run``): an unexpected exception fails the test with
its traceback, which is what a user would have seen.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli import run

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "integrations").glob("*.yaml"))
EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in EXAMPLES]
SCALE = max(1, int(os.environ.get("RECONCILER_RELIABILITY_SCALE", "1")))
FUZZ = settings(
    max_examples=150 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces that YAML and our schema care about: indentation, flow syntax, anchors, tags, tabs,
# quotes, document markers, keys of the schema, odd scalars and non-ASCII text.
TOKENS = [
    "\n", "  ", "\t", ": ", "- ", "-", ":", "[", "]", "{", "}", ",", "'", '"', "#", "&a ",
    "*a", "!!python/object ", "!!str ", "---\n", "...\n", "? ", "|", ">", "%YAML 1.2\n",
    "kind", "name", "id", "previously", "description", "enabled", "site_integration",
    "credentials", "fields", "external", "options", "ignore", "env", "file", "true", "null",
    "yes", "0x1F", "1e999", "-.inf", ".nan", "007", "~", "é", "\u202e", "\x00", "\ufeff", "😀",
    "revcent/UserThirdPartyIntegration", "solvimon/Integration", "{env: X}", "[a, b]",
]  # fmt: skip


@contextlib.contextmanager
def scratch_file() -> Iterator[Path]:
    """A fresh file path per example (hypothesis cannot share pytest's tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="reconciler-fuzz-") as directory:
        yield Path(directory) / "fuzzed.yaml"


def validate(content: bytes) -> tuple[int, str]:
    """``reconciler validate`` on one file holding ``content``: exit code and all output."""
    with scratch_file() as path:
        path.write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(["validate", str(path)])
    return code, out.getvalue() + err.getvalue()


def assert_clean(code: int, output: str) -> None:
    assert code in (0, 1), output
    assert "Traceback" not in output, output
    if code == 1:
        assert output.strip(), "an error must say why"


@st.composite
def mutated_yaml(draw: st.DrawFn) -> bytes:
    """An example file with a few spans deleted, tokens inserted, lines moved."""
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(st.sampled_from(["delete", "insert", "swap", "duplicate", "replace"]))
        lines = text.split("\n")
        if operation == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 20)) :]
        elif operation == "insert":
            at = draw(st.integers(0, len(text)))
            piece = draw(st.sampled_from(TOKENS) | st.text(max_size=8))
            text = text[:at] + piece + text[at:]
        elif operation == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif operation == "duplicate" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        elif operation == "replace" and ": " in text:
            parts = text.split(": ")
            i = draw(st.integers(0, len(parts) - 2))
            tail = parts[i + 1].split("\n", 1)
            tail[0] = draw(st.sampled_from(TOKENS) | st.text(max_size=12))
            parts[i + 1] = "\n".join(tail)
            text = ": ".join(parts)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


SCHEMA_KEYS = [
    "kind", "name", "id", "previously", "description", "enabled", "site_integration",
    "credentials", "fields", "external", "options", "ignore", "env", "file",
]  # fmt: skip
KEYS = st.sampled_from(SCHEMA_KEYS) | st.text(min_size=1, max_size=10)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["revcent/UserThirdPartyIntegration", "EasyPost", "Avalara", "OpenAI"])
)
VALUES: Any = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=25,
)


@st.composite
def random_documents(draw: st.DrawFn) -> bytes:
    """Schema-shaped documents with random values and types in every place."""
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        doc = draw(st.dictionaries(KEYS, VALUES, max_size=8))
        if draw(st.booleans()):
            doc["kind"] = "revcent/UserThirdPartyIntegration"
        docs.append(doc)
    return yaml.safe_dump_all(docs, allow_unicode=True).encode("utf-8")


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_cause_a_traceback(content):
    assert_clean(*validate(content))


@FUZZ
@given(mutated_yaml())
def test_mutated_examples_never_cause_a_traceback(content):
    assert_clean(*validate(content))


@FUZZ
@given(random_documents())
def test_random_documents_never_cause_a_traceback(content):
    assert_clean(*validate(content))
