"""The YAML loader: positions of every node, YAML 1.2 scalars, documents, files and paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.config import composing, loader
from reconciler.config.files import discover
from reconciler.config.loader import load_text


def test_positions_of_values_and_keys() -> None:
    text = (
        "kind: revcent/UserThirdPartyIntegration\n"
        "name: Brand A Shipping\n"
        "options:\n"
        "  shipping_services:\n"
        "    service_ids: [ground, two_day]\n"
    )
    (doc,), problems = load_text(text, "dir/a.yaml")
    assert problems == []
    assert doc.positions[()] == (1, 1)
    assert doc.positions[("name",)] == (2, 7)
    assert doc.positions[("options",)] == (4, 3)  # a block mapping starts at its first key
    assert doc.key_positions[("options",)] == (3, 1)
    assert doc.positions[("options", "shipping_services", "service_ids", 1)] == (5, 27)
    assert doc.key_positions[("options", "shipping_services", "service_ids")] == (5, 5)
    assert str(doc.location("options", "shipping_services", "nothing")) == "dir/a.yaml:5"


def test_columns_count_characters_not_bytes() -> None:
    (doc,), _ = load_text("name: Zürich\nx: {é: 1, b: 2}\n", "a.yaml")
    assert doc.key_positions[("x", "b")] == (2, 11)
    assert doc.positions[("x", "b")] == (2, 14)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("yes", "yes"),  # YAML 1.1 would say True
        ("no", "no"),
        ("on", "on"),
        ("007", "007"),  # YAML 1.1 would say 7 (octal)
        ("0x1F", "0x1F"),
        ("1:20", "1:20"),  # YAML 1.1 would say 80
        ("2024-01-01", "2024-01-01"),  # YAML 1.1 would say a date
        ("42", 42),
        ("-5", -5),
        ("0.2", 0.2),
        ("1e3", 1000.0),
        ("+15550101", 15550101.0),  # a float: the schema then asks to quote it
        ("~", None),
        ("", None),
        ('"true"', "true"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    (doc,), _ = load_text(f"v: {text}\n", "a.yaml")
    assert doc.data["v"] == value
    if isinstance(value, float):  # remembers its text, for messages
        assert isinstance(doc.data["v"], float) and doc.data["v"].text == text
    else:
        assert type(doc.data["v"]) is type(value)


def test_documents_keep_their_index_and_empty_ones_are_skipped() -> None:
    docs, problems = load_text("---\n# nothing\n---\na: 1\n---\n---\nb: 2\n...\n", "a.yaml")
    assert problems == []
    assert [(d.index, d.data) for d in docs] == [(1, {"a": 1}), (3, {"b": 2})]
    assert load_text("", "a.yaml") == ([], [])
    assert load_text("# only a comment\n", "a.yaml") == ([], [])


def test_documents_before_a_syntax_error_are_kept() -> None:
    docs, problems = load_text("a: 1\n---\nb: [\n", "a.yaml")
    assert [d.data for d in docs] == [{"a": 1}]
    assert [p.line for p in problems] == [4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("v: !!binary aGk=\n", "1:4: unsupported YAML tag !!binary (remove the tag)"),
        ("v: !custom x\n", "1:4: unsupported YAML tag !custom (remove the tag)"),
        ("v: !!int abc\n", "1:4: 'abc' does not fit the tag !!int (remove the tag)"),
        ("a: &x [*x]\n", "1:4: recursive YAML alias (an anchor cannot contain itself)"),
        ("? [a, b]\n: c\n", "1:3: a key must be plain text (write the key as one word)"),
        ("x: *nowhere\n", None),
    ],
)
def test_unusual_yaml(text: str, message: str | None) -> None:
    _, problems = load_text(text, "a.yaml")
    (problem,) = problems
    if message is not None:
        assert str(problem) == f"a.yaml:{message}"
    else:
        assert problem.message.startswith("YAML syntax error: found undefined alias")


def test_keys_are_text_as_written() -> None:
    (doc,), _ = load_text("1: a\ntrue: b\nnull: c\n", "a.yaml")
    assert doc.data == {"1": "a", "true": "b", "null": "c"}


def test_tab_in_nested_indentation_points_at_the_tab() -> None:
    _, (problem,) = load_text("a:\n  b: 1\n  \tc: 2\n", "a.yaml")
    assert (problem.line, problem.column, problem.message) == (
        3,
        3,
        "tab character in indentation",
    )


def test_a_tab_after_a_colon_is_fine() -> None:
    (doc,), problems = load_text("a:\tb\n", "a.yaml")
    assert problems == [] and doc.data == {"a": "b"}


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes(b"name: ok\ndescription: caf\xe9\n")
    _, (problem,) = loader.load_file(str(tmp_path / "latin1.yaml"))
    assert (problem.line, problem.message) == (2, "the file is not UTF-8 text")
    _, (problem,) = loader.load_file(str(tmp_path / "missing.yaml"))
    assert problem.message == "cannot read the file: No such file or directory"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfname: x\n")
    (doc,), problems = loader.load_file(str(tmp_path / "bom.yaml"))
    assert problems == [] and doc.data == {"name": "x"}


def test_the_c_parser_is_used_when_available() -> None:
    import yaml

    assert bool(yaml.__with_libyaml__) == composing.FAST


# -- files ------------------------------------------------------------------------------


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def test_directories_are_searched_recursively_in_a_stable_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(
        tmp_path,
        "cfg/b.yaml",
        "cfg/a/z.yml",
        "cfg/a-c.yaml",
        "cfg/notes.txt",
        "cfg/.hidden.yaml",
        "cfg/.git/x.yaml",
        "cfg/A.YAML.bak",
    )
    monkeypatch.chdir(tmp_path)
    files, problems = discover(["cfg"])
    assert problems == []
    assert files == [os.path.join("cfg", "a", "z.yml"), "cfg/a-c.yaml", "cfg/b.yaml"]


def test_paths_stay_as_given_and_files_load_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path, "cfg/a.yaml", "single.conf")
    monkeypatch.chdir(tmp_path)
    files, problems = discover(["cfg/", "./cfg/a.yaml", "single.conf"])
    assert problems == []
    assert files == ["cfg/a.yaml", "single.conf"]  # an explicit file loads whatever its suffix


def test_missing_paths_and_empty_directories_are_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    _, problems = discover(["nowhere.yaml", "empty"])
    assert [str(p) for p in problems] == [
        "nowhere.yaml:1:1: no such file or directory (check the path)",
        "empty:1:1: no YAML files (*.yaml, *.yml) in this directory (check the path)",
    ]


def test_a_file_reached_twice_is_loaded_once(tmp_path: Path) -> None:
    """By a directory and by name, through a symlink, or as a hard link: one file, one load."""
    (tmp_path / "d").mkdir()
    real = tmp_path / "d" / "a.yaml"
    real.write_text("kind: x\n")
    (tmp_path / "link.yaml").symlink_to(real)
    os.link(real, tmp_path / "d" / "hard.yaml")
    (tmp_path / "d" / "b.yaml").write_text("kind: y\n")
    names, problems = discover(
        [str(tmp_path / "d"), str(real), str(tmp_path / "link.yaml"), str(tmp_path / "d")]
    )
    assert problems == []
    assert names == [str(tmp_path / "d" / "a.yaml"), str(tmp_path / "d" / "b.yaml")]


def test_the_fingerprint_is_of_the_bytes_loaded_and_of_names_and_bytes(tmp_path: Path) -> None:
    """Made from what the loader read (no second read), equal to reading the files again;
    a changed byte or a renamed file changes it."""
    from reconciler.workspace import fingerprint_files, load_workspace

    text = (
        Path(__file__).resolve().parents[2] / "examples/integrations/tax-avalara.yaml"
    ).read_text()
    (tmp_path / "a.yaml").write_text(text)
    workspace = load_workspace([str(tmp_path)])
    assert workspace.fingerprint == fingerprint_files(list(workspace.files))
    (tmp_path / "a.yaml").write_text(text + "\n")
    assert fingerprint_files(list(workspace.files)) != workspace.fingerprint
    (tmp_path / "a.yaml").rename(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").write_text(text)
    assert load_workspace([str(tmp_path)]).fingerprint != workspace.fingerprint
