"""The simple-file reader (config/simple_yaml.py) answers exactly as the full loader does.

Why: ``load_text`` reads most config files with it, without PyYAML. For every text it accepts,
the document must be the full loader's, value types included (``True`` is not ``1``, a float
keeps how it was written), with the same positions of every key and value and the same
``numbers`` flag; every text it is unsure of must be left to the full loader (None).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config_support import run_python
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.config import composing, loader
from reconciler.config.limits import MAX_DEPTH
from reconciler.config.scalars import SourceFloat, plain_value
from reconciler.config.simple_yaml import load_simple
from reconciler.model import Document

GOOD_KEYS = st.sampled_from(
    ["kind", "name", "true", "null", "yes", "on", "id", "a-b", "_x", "k1", "a", "b", "c", "d"]
)
ODD_KEYS = st.text(alphabet="abk_-1:# ", min_size=1, max_size=5)
GOOD_VALUES = st.one_of(
    st.sampled_from(["EasyPost", "Ship fast", "true", "false", "7", "1.5", "x-0001", "a b c"]),
    st.sampled_from(["'yes'", "'it''s'", "''", "'a: b # c'", "'007'", "'true'", "'x'"]),
    st.integers(0, 5000).map(str),
    st.text(alphabet="abAB01. _/()", min_size=1, max_size=10).map(str.strip).filter(bool),
)
ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "007",
            "1:20",
            "~",
            "null",
            "Null",
            "true",
            "False",
            "TRUE",
            "2.0",
            "-3",
            "+3",
            ".inf",
            "-.inf",
            ".NaN",
            "1e3",
            "1E-3",
            "0",
            "00",
            "0x1F",
            "1_000",
            "3.",
            ".5",
            "a:b",
            "a: b",
            "a #b",
            "a#b",
            "http://x/y",
            "it's",
            '"q"',
            "'q'",
            "a  b",
            "a ",
            " a",
            "a:",
            "-",
            "--",
            "---",
            "...",
            "[a]",
            "{a: 1}",
            "a[b]",
            "!x",
            "&a",
            "*a",
            "|",
            ">",
            "%x",
            "@x",
            "`x",
            "?x",
            "\\x",
            "$x",
            "~x",
            "(x)",
            "=x",
            "^x",
            "a\tb",
            "é",
            "a,b",
            "x\x01",
            "2001-12-14",
        ]
    ),
    st.integers(-5000, 5000).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(alphabet="ab1. -:#'\"?,[]{}!&*~+\\", max_size=8),
)


def _pick(draw: Any, good: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> str:
    """Mostly an ordinary key or value, one time in twelve an odd one."""
    return str(draw(odd if draw(st.integers(0, 11)) == 0 else good))


@st.composite
def _texts(draw: Any) -> str:
    """Lines of ``key: value`` and ``key:`` at drawn indentations, mostly well nested, with
    blank lines, spacing slips and stray lines now and then."""
    lines: list[str] = []
    depth = 0
    for number in range(draw(st.integers(1, 14))):
        choice = draw(st.integers(0, 19))
        indent = " " * (2 * depth)
        if choice == 0:
            lines.append("")
        elif choice == 1 and draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# c", "---", "- x", "  ", " k: v", "k:v", "\t"])))
        elif choice <= 2 and depth < 4:  # a list under a key, at its indentation or deeper
            key = _pick(draw, GOOD_KEYS, ODD_KEYS) + draw(st.sampled_from(["", str(number)]))
            lines.append(f"{indent}{key}:")
            inner = indent + draw(st.sampled_from(["", "  ", "  ", " "]))
            for _ in range(draw(st.integers(0, 4))):
                value = _pick(draw, GOOD_VALUES, ODD_VALUES)
                lines.append(f"{inner}{draw(st.sampled_from(['- '] * 9 + ['-', '-  ']))}{value}")
        elif choice <= 5 and depth < 4:
            key = _pick(draw, GOOD_KEYS, ODD_KEYS) + draw(st.sampled_from(["", str(number)]))
            lines.append(f"{indent}{key}:{draw(st.sampled_from([''] * 9 + [' ']))}")
            depth += 1
            continue
        else:
            gap = draw(st.sampled_from([" "] * 9 + ["  "]))
            key = _pick(draw, GOOD_KEYS, ODD_KEYS) + draw(st.sampled_from(["", str(number)]))
            value = _pick(draw, GOOD_VALUES, ODD_VALUES)
            lines.append(f"{indent}{key}:{gap}{value}")
        if depth and draw(st.integers(0, 3)) == 0:
            depth = draw(st.integers(0, depth - 1))
    ending = draw(st.sampled_from(["\n"] * 6 + ["", "\n\n", "\r\n"]))
    return "\n".join(lines) + ending


def _typed(value: Any) -> Any:
    """``value`` with every leaf's type beside it: ``True == 1`` must not pass for equal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, SourceFloat):
        return ("SourceFloat", repr(float(value)), value.text)
    return (type(value).__name__, repr(value))


def _shown(document: Document) -> object:
    return (
        _typed(document.data),
        document.index,
        dict(document.positions),
        dict(document.key_positions),
        document.numbers,
    )


def _full(text: str) -> tuple[list[Document], list[Any]]:
    return composing.load_with(composing.PYTHON_COMPOSER, text, "f.yaml", plain=False)


@settings(max_examples=1500, deadline=None)
@given(_texts())
def test_an_accepted_text_reads_as_the_full_loader_reads_it(text: str) -> None:
    simple = load_simple(text, "f.yaml", plain_value)
    if simple is None:
        return
    documents, problems = _full(text)
    assert problems == [] and len(documents) == 1, (text, problems)
    assert _shown(simple) == _shown(documents[0])


def test_the_reader_takes_the_usual_file_and_leaves_the_rest() -> None:
    usual = (
        "kind: revcent/UserThirdPartyIntegration\n"
        "name: Ship fast\n"
        "description: Labels, rates (US + EU); see http://example.com/x?a=1\n"
        "enabled: true\n"
        "site_integration: EasyPost\n"
        "credentials:\n"
        "  id: easypost_credentials\n"
        "  external: true\n"
        "\n"
        "options:\n"
        "  rates:\n"
        "    markup: 1.50\n"
        "    count: 3\n"
        "    mode: 'yes'\n"
        "  regions:\n"
        "    region_ids:\n"
        "    - US-CA\n"
        "    - 'it''s'\n"
    )
    simple = load_simple(usual, "f.yaml", plain_value)
    assert simple is not None
    assert _shown(simple) == _shown(_full(usual)[0][0])
    assert simple.data["options"]["rates"] == {"markup": 1.5, "count": 3, "mode": "yes"}
    assert simple.data["options"]["regions"] == {"region_ids": ["US-CA", "it's"]}
    assert simple.positions[("options", "rates", "markup")] == (12, 13)
    assert simple.positions[("options", "regions", "region_ids", 1)] == (18, 7)
    assert simple.key_positions[("credentials", "external")] == (8, 3)
    assert simple.numbers is True
    for other in (
        usual + "tags: [a, b]\n",  # flow
        usual + "list:\n  - a: 1\n",  # a list of mappings
        usual + "list:\n  - a\n  - - b\n",  # a list in a list
        usual.replace("Ship fast", '"Ship fast"'),  # double-quoted
        usual.replace("Ship fast", "Ship fast # c"),  # comment
        usual + "name: twice\n",  # duplicate key: the full loader reports it
        usual + " stray: line\n",  # indentation that belongs nowhere
        usual.replace("name: Ship fast", "name: Ship fast\n  more words"),  # continued
        "---\n" + usual,  # a document marker
        usual + "---\nkind: x\n",  # two documents
        usual.replace("EasyPost", "Éasy"),  # not ASCII
        usual + "last:\n",  # a key with nothing under it
        "",
    ):
        assert load_simple(other, "f.yaml", plain_value) is None, other


@settings(max_examples=300, deadline=None)
@given(_texts())
def test_load_text_answers_as_before_whichever_reader_takes_the_text(text: str) -> None:
    documents, problems = loader.load_text(text, "f.yaml")
    expected_documents, expected_problems = _full(text)
    assert problems == expected_problems
    assert [_shown(d) for d in documents] == [_shown(d) for d in expected_documents]


def test_generated_texts_reach_the_reader() -> None:
    """The differential above proves little unless many generated texts are accepted."""
    accepted = 0

    @settings(max_examples=400, deadline=None, database=None)
    @given(_texts())
    def count(text: str) -> None:
        nonlocal accepted
        accepted += load_simple(text, "f.yaml", plain_value) is not None

    count()
    assert accepted >= 20, accepted  # 33 to 78 seen in runs of 400


def test_deep_nesting_is_left_to_the_full_loader_and_its_limit() -> None:
    deep = "".join(f"{' ' * level}k{level}:\n" for level in range(200)) + " " * 200 + "v: 1\n"
    assert load_simple(deep, "f.yaml", plain_value) is None
    documents, problems = loader.load_text(deep, "f.yaml")
    assert documents == []
    assert [p.message for p in problems] == [f"YAML nested deeper than {MAX_DEPTH} levels"]
    shallow = "".join(f"{' ' * level}k{level}:\n" for level in range(15)) + " " * 15 + "v: 1\n"
    assert load_simple(shallow, "f.yaml", plain_value) is not None


_YAML_PROBE = """
import sys
from reconciler.config.loader import load_file
documents, problems = load_file(sys.argv[1])
print([d.data for d in documents], problems, "yaml" in sys.modules)
"""


def test_pyyaml_is_imported_only_for_a_text_the_simple_reader_declines(tmp_path: Path) -> None:
    simple = tmp_path / "simple.yaml"
    simple.write_text("kind: k\nname: 'Tax'\nenabled: true\nlist:\n- 7\n")
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text('kind: k\nname: "Tax"\nenabled: true\nlist:\n- 7\n')

    same = "[{'kind': 'k', 'name': 'Tax', 'enabled': True, 'list': [7]}] []"
    assert run_python(_YAML_PROBE, str(simple)) == same + " False"
    assert run_python(_YAML_PROBE, str(quoted)) == same + " True"
