"""The C composer (for texts proven shallow) gives exactly the Python composer's answers.

Why: ``load_text`` composes most files with libyaml's C composer, about three times faster;
the Python composer stays for any text that could nest past the depth limit. Both must give
the same documents, the same positions and the same problems, whatever the text.
"""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.config import composing, loader
from reconciler.config.limits import MAX_DEPTH
from reconciler.config.schema import _has_number
from reconciler.errors import Problem
from reconciler.model import Document

SCALARS = st.one_of(
    st.sampled_from(
        ["yes", "no", "on", "007", "1:20", "~", "null", "true", "False", "2.0", "-3", ".inf", ""]
    ),
    st.integers(-1000, 1000).map(str),
    st.text(alphabet="ab -:#'\"?[]{}!&*%@`|>", max_size=8),
)

VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(alphabet="abk", min_size=1, max_size=3), inner, max_size=4),
    ),
    max_leaves=20,
)


def _texts() -> st.SearchStrategy[str]:
    """YAML written by PyYAML in block and flow styles, plus raw fragments that break it."""
    dumped = st.tuples(VALUES, st.booleans()).map(
        lambda pair: yaml.safe_dump(
            {"kind": "revcent/UserThirdPartyIntegration", "v": pair[0]},
            default_flow_style=pair[1],
            allow_unicode=True,
        )
    )
    raw = st.text(alphabet="ab: -\n\t[]{},&*!'\"#?|>%@\x00", max_size=60)
    anchored = st.sampled_from(
        [
            "a: &x [1, 2]\nb: *x\nc: *x\n",
            "a: &x {k: v}\nb: *x\n",
            "a: *nope\n",
            "a: &x 1\na: 2\n",
            "--- \n...\n---\nk: v\n",
            "a: !!binary aGVsbG8=\n",
            "a: !!int 'x'\n",
            "? [a, b]\n: c\n",
            "- - - - deep\n",
            "a: &r [*r]\n",
            "a: &x [1]\nb: 2\n",
            "a: {b: 1, b: 2}\n",
            "? - k\n: v\n",
            "a: !!str 1\nb: !!float 1\nc: !!null ''\n",
        ]
    )
    return st.one_of(dumped, raw, anchored)


def _shown(answer: tuple[list[Document], list[Problem]]) -> object:
    documents, problems = answer
    return (
        [(d.data, d.index, dict(d.positions), dict(d.key_positions), d.numbers) for d in documents],
        problems,
    )


@settings(max_examples=800, deadline=None)
@given(_texts())
def test_load_text_answers_as_the_python_composer_does(text: str) -> None:
    expected = composing.load_with(composing.PYTHON_COMPOSER, text, "f.yaml", plain=False)
    assert _shown(loader.load_text(text, "f.yaml")) == _shown(expected)
    if "*" not in text:  # the alias-free builder, on either composer
        plain = composing.load_with(composing.PYTHON_COMPOSER, text, "f.yaml", plain=True)
        assert _shown(plain) == _shown(expected)
    c_documents, c_problems = composing.load_with(composing.C_COMPOSER, text, "f.yaml")
    if not c_problems:  # what load_text keeps from the C composer: the same documents
        assert _shown((c_documents, c_problems)) == _shown(expected)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_the_loader_knows_whether_a_document_holds_numbers(value: object) -> None:
    text = yaml.safe_dump({"kind": "k", "v": value})
    documents, problems = loader.load_text(text, "f.yaml")
    assert problems == []
    assert documents[0].numbers is _has_number(documents[0].data)


def _nested(depth: int) -> str:
    return "[" * depth + "x" + "]" * depth + "\n"


def test_a_text_with_fewer_openers_than_the_limit_is_composed_in_c() -> None:
    shallow = "a:\n" + _nested(MAX_DEPTH - 3).replace("[", " [", 1)
    assert composing._surely_shallow(shallow)
    assert not composing._surely_shallow(_nested(MAX_DEPTH))
    # Openers inside scalars count too: a long text of dashes is not proven shallow.
    assert not composing._surely_shallow("a: " + "-" * MAX_DEPTH + "\n")


def test_too_deep_is_refused_the_same_way_on_either_side_of_the_bound() -> None:
    for depth in (MAX_DEPTH - 2, MAX_DEPTH + 1, 5 * MAX_DEPTH):
        text = "a: " + _nested(depth)
        documents, problems = loader.load_text(text, "f.yaml")
        if depth + 1 <= MAX_DEPTH:  # the mapping itself is one level
            assert problems == [] and len(documents) == 1
        else:
            assert [(p.line, p.message) for p in problems] == [
                (1, f"YAML nested deeper than {MAX_DEPTH} levels")
            ]
