"""One limiter per API host: providers on one host share it, another host has its own."""

from __future__ import annotations

from reconciler.connect import Connection, host_key


def limiters(urls: dict[str, str]) -> dict[str, object]:
    conn = Connection(urls=urls, keys={"revcent": "k1", "solvimon": "k2"})
    providers = conn.open(["revcent", "solvimon"])
    try:
        return {name: p.client.api.limiter for name, p in providers.items()}  # type: ignore[attr-defined]
    finally:
        for p in providers.values():
            p.close()


def test_one_host_one_limiter_two_hosts_two():
    same = limiters({"revcent": "http://127.0.0.1:8080", "solvimon": "http://127.0.0.1:8080/x"})
    assert same["revcent"] is same["solvimon"]
    apart = limiters({"revcent": "http://127.0.0.1:8080", "solvimon": "http://127.0.0.1:8081"})
    assert apart["revcent"] is not apart["solvimon"]


def test_the_host_key_fills_in_the_default_port_and_ignores_case():
    assert host_key("https://API.example.com/v2") == ("https", "api.example.com", 443)
    assert host_key("http://api.example.com:80") == ("http", "api.example.com", 80)
