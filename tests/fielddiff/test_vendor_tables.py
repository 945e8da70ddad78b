"""Each vendor declares its fields for the shared diff: the tables say what the rules are."""

from __future__ import annotations

from reconciler.fielddiff import Difference, diff
from reconciler.model import SecretRef
from reconciler.plan import SENSITIVE
from reconciler.providers.revcent.fields import FIELDS as REVCENT
from reconciler.providers.revcent.fields import catalog_fields
from reconciler.providers.revcent.state import Catalog
from reconciler.providers.solvimon.fields import ARRAY_KEYS, SECRET_PATHS
from reconciler.providers.solvimon.fields import FIELDS as SOLVIMON

SITE = {
    "id": "S1",
    "third_party_options": [
        {
            "id": "o",
            "fields": [
                {"id": "many", "select_settings": {"multiple": True}},
                {"id": "one", "select_settings": {"multiple": False}},
            ],
        }
    ],
}


def test_revcent_multi_selects_are_sets_by_the_catalog() -> None:
    table = catalog_fields(Catalog(SITE))
    assert table.get(("options", "o", "many")).set_like
    assert not table.get(("options", "o", "one")).set_like
    assert not table.get(("options", "unknown", "x")).set_like  # not in the catalog: ordered
    assert REVCENT.get(("name",)).risk == "low" and REVCENT.get(("name",)).text
    desired = {"options": {"o": {"many": ("b", "a"), "one": ("b", "a")}}}
    live = {"options": {"o": {"many": ("a", "b"), "one": ("a", "b")}}}
    assert diff(desired, live, table) == [
        Difference("change", ("options", "o", "one"), ("a", "b"), ("b", "a"))
    ]


def test_revcent_a_credential_is_saved_or_not() -> None:
    creds = {"credentials": {"c": SecretRef(env="X")}}
    assert diff(creds, {"credentials": {"c": "(saved)"}}, REVCENT) == []
    assert diff(creds, {"credentials": {}}, REVCENT) == [
        Difference("add", ("credentials", "c"), None, SENSITIVE, sensitive=True)
    ]


def test_solvimon_secrets_and_keyed_arrays_are_declared() -> None:
    assert all(SOLVIMON.get(p).secret for p in SECRET_PATHS)
    assert all(SOLVIMON.get(p).keyed_by == key for p, key in ARRAY_KEYS.items())
    assert SOLVIMON.scalar_sets
    assert not SOLVIMON.get(("payment_gateway", "stripe", "public_key")).secret
