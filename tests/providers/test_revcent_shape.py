"""The quick shape check of a RevCent Get body says "fine" exactly when the located one does.

Why: every Get body is checked (a hostile or broken vendor must not crash planning); the quick
check skips building paths on the usual, well-formed body, and the located check names the
path of anything wrong. They must never disagree, or a bad body would slip through.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.providers.revcent import shape

ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=3)
)
ANY = st.recursive(
    ODD,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "x"]), inner)
    ),
    max_leaves=6,
)
FIELD = st.one_of(
    ANY,
    st.fixed_dictionaries(
        {"id": st.one_of(st.text(max_size=3), ANY)},
        optional={"value": st.one_of(st.lists(ODD, max_size=3), ANY)},
    ),
)
OPTION = st.one_of(
    ANY,
    st.fixed_dictionaries(
        {"id": st.one_of(st.text(max_size=3), ANY)},
        optional={"fields": st.one_of(st.lists(FIELD, max_size=3), ANY)},
    ),
)
BODY = st.fixed_dictionaries(
    {},
    optional={
        "description": st.one_of(st.text(max_size=3), ANY),
        "enabled": st.one_of(st.booleans(), ANY),
        "third_party_credentials_saved": st.one_of(st.lists(st.text(max_size=3)), ANY),
        "third_party_options_saved": st.one_of(st.lists(OPTION, max_size=3), ANY),
        shape.SITE: st.one_of(st.fixed_dictionaries({}), ANY),
    },
)


@settings(max_examples=1500, deadline=None)
@given(BODY)
def test_quick_and_located_checks_agree(body: dict[str, Any]) -> None:
    located = shape._integration_located(body)
    assert shape._integration_fine(body) is (located is None)
    assert shape.integration_problem(body) == located


def test_a_wrong_value_is_named_by_its_path() -> None:
    body = {"third_party_options_saved": [{"id": "o", "fields": [{"id": "f", "value": [True]}]}]}
    assert shape.integration_problem(body) == (
        "'third_party_options_saved[0].fields[0].value[0]' is true/false, not text"
    )
