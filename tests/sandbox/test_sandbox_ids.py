"""Ids keep the vendors' format and stay unique; fingerprints stay plain HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections import Counter

import pytest

from reconciler.sandbox.fingerprint import PREFIX, Fingerprinter, saved_equals
from reconciler.sandbox.ids import new_id

_ID = re.compile(r"[A-Za-z0-9]{20}")


def test_ids_are_20_alphanumerics_and_unique() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert all(_ID.fullmatch(i) for i in ids)
    assert len(set(ids)) == len(ids)
    drawn = Counter("".join(ids))
    assert len(drawn) == 62  # every letter and digit, about equally often (6,450 each)
    assert min(drawn.values()) > 5_500 and max(drawn.values()) < 7_500


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_draws_other_ids_than_its_parent() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, then exit without running pytest's teardown
        os.write(write, "".join(new_id() for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        child = pipe.read().decode()
    parent = "".join(new_id() for _ in range(5))
    assert len(child) == 100
    assert child != parent


def test_fingerprint_is_the_salted_hmac_of_the_value() -> None:
    salt = bytes(range(32))
    fingerprint = Fingerprinter(salt)
    for value in ("2000999999", "", "é-ü"):
        want = hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()
        assert fingerprint(value) == PREFIX + want
        assert fingerprint(fingerprint(value)) == fingerprint(value)  # idempotent


def test_public_fingerprints_are_the_same_fingerprints() -> None:
    fingerprint = Fingerprinter(bytes(32))
    for _ in range(2):  # computed, then remembered
        assert fingerprint.public("2000999999") == fingerprint("2000999999")
    assert saved_equals({"k": fingerprint("2000999999")}, "k", "2000999999") is False  # plain
    stored = fingerprint.values({"k": "2000999999"})
    assert saved_equals(stored, "k", "2000999999", public=True)
    assert not saved_equals(stored, "k", "2000999998", public=True)
