"""Import's YAML text without a server: quoting, file names, the read-back guarantee."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.config.loader import load_text
from reconciler.importer import Exported, assign_filenames, render_document, slugify

TRICKY = [
    "yes", "No", "on", "OFF", "y", "~", "null", "", " ", "true", "0.2", "+15550101", "1e3",
    "-1E-3", "007", "0x1F", "0o17", "1_000", "1:20", ".5", ".inf", "-.INF", ".nan", "=",
    "- item", "a: b", "#hash", "x #y", "@at", "`tick", "%pct", "!tag", "*star", "&amp",
    "{x}", "[x]", "'single'", '"double"', " lead", "trail ", "two\nlines", "end\n",
    "\n start", "  indented\nlines", "tab\there", "é ✓ – 中文", "\u2028", "back\\slash",
]  # fmt: skip


@pytest.mark.parametrize("value", TRICKY)
def test_every_tricky_text_reads_back_as_text(value):
    document = {"kind": "k", "name": value, "options": {"o": {"f": value, "m": [value, "x"]}}}
    text = render_document(document, header=["a comment"])
    documents, problems = load_text(text, "x.yaml")
    assert problems == []
    assert documents[0].data == document


def test_numbers_and_booleans_look_like_the_examples():
    text = render_document(
        {"enabled": True, "answer": "yes", "t": "0.2", "phones": ["+15550101"], "c": {"id": "x"}}
    )
    assert text == ('enabled: true\nanswer: "yes"\nt: "0.2"\nphones: ["+15550101"]\nc:\n  id: x\n')


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
def test_any_text_reads_back_exactly(value):
    document = {"name": value, "values": [value]}
    documents, problems = load_text(render_document(document), "x.yaml")
    assert (problems, documents[0].data) == ([], document)


def _exported(name: str, id_: str) -> Exported:
    return Exported("revcent", id_, name, {})


def test_file_names_are_slugs_and_collisions_take_the_id():
    items = [
        _exported("Main Tax: Avalara", "A" * 20),
        _exported("Tax A", "B" * 20),
        _exported("tax-a", "C" * 20),
        _exported("✓✓", "D" * 20),
        _exported("Ünïcödé Shipping", "E" * 20),
    ]
    assert assign_filenames(items) == {
        ("revcent", "A" * 20): "main-tax-avalara.yaml",
        ("revcent", "B" * 20): f"tax-a-{'B' * 20}.yaml",
        ("revcent", "C" * 20): f"tax-a-{'C' * 20}.yaml",
        ("revcent", "D" * 20): "integration.yaml",
        ("revcent", "E" * 20): "unicode-shipping.yaml",
    }
    assert assign_filenames(list(reversed(items))) == assign_filenames(items)


def test_a_name_shaped_like_another_files_suffix_still_gets_its_own_file():
    items = [
        _exported("Tax A", "B" * 20),
        _exported("tax-a", "C" * 20),
        _exported(f"tax a {'B' * 20}", "D" * 20),
    ]
    names = assign_filenames(items)
    assert len(set(names.values())) == 3


def test_slugs_are_bounded():
    assert slugify("x" * 200) == "x" * 60
    assert slugify("  --  ") == "integration"
