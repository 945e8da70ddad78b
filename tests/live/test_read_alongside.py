"""read_live's ``alongside``: one more task in the reader's pool (planning's catalog), run
once the listing is read and matched, counted against the parallelism, its error raised
after the Gets'; a listing that fails never runs it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from paging_server import paging_server

from reconciler.errors import ConfigError, NotFoundError
from reconciler.http import ApiSettings
from reconciler.live import Target, read_live
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.workspace import load_workspace

LATENCY = 0.03  # seconds per answer: requests of one batch overlap


def _target(url: str, tmp_path: Path, names: list[str]) -> Target:
    docs = "---\n".join(
        f"kind: revcent/UserThirdPartyIntegration\nname: {name}\nsite_integration: EasyPost\n"
        for name in names
    )
    (tmp_path / "all.yaml").write_text(docs, encoding="utf-8")
    desired = load_workspace([str(tmp_path)]).desired["revcent"]
    return Target(RevCentProvider(ApiSettings(base_url=url, api_key="k")), list(desired))


def test_alongside_runs_in_the_pool_after_the_listing_and_before_the_read_ends(
    tmp_path: Path,
) -> None:
    ran: list[tuple[bool, int]] = []

    with paging_server(count=100, latency=LATENCY) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(100)])

        def alongside() -> None:
            with server.lock:
                listed = len(server.pages)
            target.provider.client.list_page(1)  # a request, within the parallelism
            ran.append((threading.current_thread() is threading.main_thread(), listed))

        try:
            state = read_live(target, parallelism=3, alongside=alongside)
        finally:
            target.provider.close()
    assert ran == [(False, 5)]  # in a worker, once all 5 pages (4 full, 1 short) were read
    assert len(state.bodies) == 100
    assert server.most_requests_in_flight <= 3
    assert server.pages.count(1) == 2  # the listing's page 1 and the one alongside
    # it went ahead of the Gets still waiting: some of them arrived after it
    page_one_again = [t for kind, t in server.log if kind == "list"][-1]
    assert any(t > page_one_again for kind, t in server.log if kind == "get")


def test_an_alongside_failure_is_raised_after_the_reads_own_errors(tmp_path: Path) -> None:
    def alongside() -> None:
        raise RuntimeError("catalog unavailable")

    with paging_server(count=10, latency=0.0) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(10)])
        try:
            with pytest.raises(RuntimeError, match="catalog unavailable"):
                read_live(target, alongside=alongside)
        finally:
            target.provider.close()
    gone = frozenset({f"{7:020d}", f"{3:020d}"})
    with paging_server(count=10, latency=0.0, gone=gone) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(10)])
        try:
            with pytest.raises(NotFoundError) as caught:
                read_live(target, alongside=alongside)
        finally:
            target.provider.close()
    assert str(caught.value).startswith(f"Integration 3 ({3:020d}): ")  # the first by id


def test_a_match_that_fails_never_runs_alongside(tmp_path: Path) -> None:
    ran: list[int] = []
    with paging_server(count=10, latency=0.0) as server:
        target = _target(server.url, tmp_path, ["Integration 1"])
        (tmp_path / "pinned.yaml").write_text(
            "kind: revcent/UserThirdPartyIntegration\nname: Pinned\nid: 9999999999999999999X\n"
            "site_integration: EasyPost\n",
            encoding="utf-8",
        )
        desired = load_workspace([str(tmp_path)]).desired["revcent"]
        target = Target(target.provider, list(desired))
        try:
            with pytest.raises(ConfigError, match="9999999999999999999X does not exist"):
                read_live(target, alongside=lambda: ran.append(1))
        finally:
            target.provider.close()
    assert ran == []
