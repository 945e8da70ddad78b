"""The shared field diff on its own: exact differences for each rule a vendor declares."""

from __future__ import annotations

from reconciler.fielddiff import (
    ANY,
    NOT_SAVED,
    SAVED,
    Difference,
    Field,
    Fields,
    diff,
    dotted,
    field_change,
    mismatch,
    normal,
)
from reconciler.model import SecretRef
from reconciler.plan import SENSITIVE, FieldChange
from reconciler.providers.base import Mismatch

FIELDS = Fields(
    [
        Field(("name",), risk="low", text=True),
        Field(("tags",), set_like=True),
        Field(("steps",)),  # an ordered list
        Field(("options", ANY, ANY), text=True, empty_is_absent=True),
        Field(("options", "colours", "picked"), text=True, empty_is_absent=True, set_like=True),
        Field(("auth", "password"), secret=True),
        Field(("links",), keyed_by="kind"),
    ]
)
SECRET = SecretRef(env="SECRET_VALUE_CANARY", label="auth.password")


def test_equal_values_make_no_difference() -> None:
    body = {"name": "A", "tags": ["x", "y"], "options": {"o": {"f": ("v",)}}}
    assert diff(body, body, FIELDS) == []


def test_a_set_like_list_reordered_is_no_change_but_an_added_element_is() -> None:
    assert diff({"tags": ["b", "a", "a"]}, {"tags": ["a", "b"]}, FIELDS) == []
    assert diff({"tags": ["a", "b", "c"]}, {"tags": ["b", "a"]}, FIELDS) == [
        Difference("change", ("tags",), ["b", "a"], ["a", "b", "c"])
    ]


def test_an_ordered_list_reordered_is_a_change() -> None:
    assert diff({"steps": ["b", "a"]}, {"steps": ["a", "b"]}, FIELDS) == [
        Difference("change", ("steps",), ["a", "b"], ["b", "a"])
    ]


def test_a_nested_option_leaf_change_has_the_tuple_path() -> None:
    desired = {"options": {"colours": {"picked": ("red", "blue")}, "size": {"s": ("L",)}}}
    live = {"options": {"colours": {"picked": ("blue ", " red")}, "size": {"s": ("M",)}}}
    found = diff(desired, live, FIELDS)
    assert found == [Difference("change", ("options", "size", "s"), ("M",), ("L",))]
    assert field_change(found[0]) == FieldChange("options.size.s", ("M",), ("L",), "high")


def test_text_is_whitespace_folded_and_keeps_its_risk() -> None:
    assert diff({"name": "A  b"}, {"name": " A b "}, FIELDS) == []
    assert diff({"name": "A"}, {"name": "B"}, FIELDS) == [
        Difference("change", ("name",), "B", "A", risk="low")
    ]


def test_an_empty_value_reads_as_absent_where_declared() -> None:
    assert diff({"options": {"o": {"f": ()}}}, {}, FIELDS) == []
    assert diff({"options": {"o": {"f": ("v",)}}}, None, FIELDS) == [
        Difference("add", ("options", "o", "f"), None, ("v",))
    ]


def test_members_desired_does_not_write_are_not_managed() -> None:
    assert diff({"name": "A"}, {"name": "A", "other": 1, "tags": ["z"]}, FIELDS) == []


def test_excluded_paths_are_ignored_with_everything_under_them() -> None:
    desired = {"name": "A", "options": {"o": {"f": ("1",)}, "p": {"g": ("2",)}}}
    live = {"name": "B", "options": {"o": {"f": ("9",)}, "p": {"g": ("9",)}}}
    found = diff(desired, live, FIELDS, exclude=[("name",), ("options", "o")])
    assert found == [Difference("change", ("options", "p", "g"), ("9",), ("2",))]


def test_a_secret_is_never_compared_by_value_nor_shown() -> None:
    desired = {"auth": {"password": SECRET}}
    assert diff(desired, {"auth": {"password": "********"}}, FIELDS) == []
    assert diff(desired, {"auth": {"password": "a different value"}}, FIELDS) == []
    missing = diff(desired, {"auth": {}}, FIELDS)
    assert missing == [Difference("add", ("auth", "password"), None, SENSITIVE, sensitive=True)]
    rotated = diff(desired, {"auth": {"password": "********"}}, FIELDS, rotate=True)
    assert rotated == [Difference("change", ("auth", "password"), SAVED, SENSITIVE, sensitive=True)]
    shown = [field_change(d) for d in missing + rotated] + [mismatch(d) for d in missing]
    assert shown == [
        FieldChange("auth.password", NOT_SAVED, SENSITIVE, "high", sensitive=True),
        FieldChange("auth.password", SAVED, SENSITIVE, "high", sensitive=True),
        Mismatch("auth.password", SAVED, NOT_SAVED),
    ]
    assert "SECRET_VALUE_CANARY" not in repr(missing + rotated + shown)


def test_a_declared_secret_path_hides_a_plain_value_too() -> None:
    found = diff({"auth": {"password": "hunter2"}}, {}, FIELDS)
    assert found == [Difference("add", ("auth", "password"), None, SENSITIVE, sensitive=True)]
    assert "hunter2" not in repr(found)
    assert normal({"auth": {"password": "hunter2"}}, FIELDS) == {"auth": {"password": SAVED}}


def test_keyed_items_compare_by_key_and_a_new_item_is_one_addition() -> None:
    desired = {"links": [{"kind": "B", "url": "b2"}, {"kind": "C", "url": "c"}]}
    live = {"links": [{"kind": "A", "url": "a"}, {"kind": "B", "url": "b1"}]}
    assert diff(desired, live, FIELDS) == [
        Difference("change", ("links", "[B]", "url"), "b1", "b2"),
        Difference("add", ("links", "[C]"), None, {"kind": "C", "url": "c"}),
    ]
    # verification: the new item member by member, against nothing
    assert diff(desired, live, FIELDS, whole_items=False) == [
        Difference("change", ("links", "[B]", "url"), "b1", "b2"),
        Difference("add", ("links", "[C]", "kind"), None, "C"),
        Difference("add", ("links", "[C]", "url"), None, "c"),
    ]
    assert dotted(("links", "[B]", "url")) == "links[B].url"


def test_a_complete_mapping_reports_what_live_has_more_in_key_order() -> None:
    table = FIELDS.extended(
        Field(("options",), complete=True), Field(("options", ANY), complete=True)
    )
    desired = {"options": {"b": {"f": ("1",)}}}
    live = {"options": {"b": {"f": ("1",), "g": ("2",)}, "a": {"f": ("3",)}, "c": {"f": ()}}}
    assert diff(desired, live, table) == [
        Difference("remove", ("options", "a", "f"), ("3",), None),
        Difference("remove", ("options", "b", "g"), ("2",), None),
    ]
    assert diff(desired, live, FIELDS) == []  # not complete: live extras are not managed


def test_a_null_member_reads_like_an_absent_one() -> None:
    assert normal({"a": None, "b": [2, 1, 2]}, Fields([], scalar_sets=True)) == {"b": [1, 2]}
    assert diff({"x": {"y": None}}, {"x": {}}, FIELDS) == []
