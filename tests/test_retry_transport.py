"""Retries and timeouts through the transport seam: a fast policy, real HTTP, counted attempts.

Every client is built the one way the tool builds it (``ApiSettings`` or ``Connection``), with
a tiny backoff, so these run in a fraction of a second yet retry exactly as in production.
"""

from __future__ import annotations

import socket
import time

import pytest
from counting_transport import CountingTransport

from reconciler.connect import Connection
from reconciler.errors import ServerError, TransportError
from reconciler.http import ApiSettings, RetryPolicy
from reconciler.providers.revcent.client import USER_PATH, RevCentClient
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.revcent import catalog

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02)


def dead_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_an_unreachable_host_is_tried_every_attempt_then_given_up():
    counting = CountingTransport()
    settings = ApiSettings(dead_url(), "k", retry=FAST, transport=counting)
    started = time.monotonic()
    client = RevCentClient(settings)
    try:
        with pytest.raises(TransportError) as caught:
            client.list_page(1)
    finally:
        client.close()
    assert str(caught.value).startswith("GetUserThirdPartyIntegrations: connection failed (")
    assert str(caught.value).endswith("(gave up after 4 attempts)")
    assert counting.sent == [("GET", USER_PATH)] * 4
    assert time.monotonic() - started < 10


def test_a_slow_answer_times_out_on_each_attempt(sandbox):
    sandbox.set_faults(FaultConfig(latency_ms=600))
    counting = CountingTransport()
    settings = ApiSettings(
        sandbox.url, sandbox.api_key, timeout=0.2, retry=FAST, transport=counting
    )
    client = RevCentClient(settings)
    try:
        with pytest.raises(TransportError) as caught:
            client.list_page(1)
    finally:
        client.close()
    assert str(caught.value) == (
        "GetUserThirdPartyIntegrations: no answer within 0.2s (ReadTimeout) "
        "(gave up after 4 attempts)"
    )
    assert len(counting.sent) == 4


def test_a_create_that_times_out_is_sent_once(sandbox):
    """A lost answer may still have created it: the caller looks it up instead of re-sending."""
    sandbox.set_faults(FaultConfig(latency_ms=600))
    counting = CountingTransport()
    settings = ApiSettings(
        sandbox.url, sandbox.api_key, timeout=0.2, retry=FAST, transport=counting
    )
    body = {"name": "Tracking", "site_third_party_integration": catalog.EASYPOST}
    client = RevCentClient(settings)
    try:
        with pytest.raises(TransportError):
            client.create_integration(body)
    finally:
        client.close()
    assert counting.sent == [("POST", USER_PATH)]


def test_5xx_answers_are_retried_up_to_the_policy(sandbox):
    sandbox.set_faults(FaultConfig(error_rate=1.0, seed=1))
    counting = CountingTransport()
    settings = ApiSettings(sandbox.url, sandbox.api_key, retry=FAST, transport=counting)
    client = RevCentClient(settings)
    try:
        with pytest.raises(ServerError) as caught:
            client.list_page(1)
    finally:
        client.close()
    assert str(caught.value).endswith("(gave up after 4 attempts)")
    assert len(counting.sent) == 4


def test_a_connection_hands_its_transport_and_policy_to_every_provider(sandbox):
    counting = CountingTransport()
    connection = Connection(
        urls={"revcent": sandbox.url, "solvimon": sandbox.url},
        keys={"revcent": sandbox.api_key, "solvimon": sandbox.api_key},
        retry=FAST,
        transport=counting,
    )
    providers = connection.open(["revcent", "solvimon"])
    try:
        for provider in providers.values():
            assert provider.client.api.settings.retry is FAST  # type: ignore[attr-defined]
        providers["revcent"].client.list_page(1)  # type: ignore[attr-defined]
        providers["solvimon"].client.list_page(1)  # type: ignore[attr-defined]
    finally:
        for provider in providers.values():
            provider.close()
    assert [path for _, path in counting.sent] == [USER_PATH, "/v1/integrations"]
