"""The one live reader: list pages overlap once they prove full, Gets start as ids arrive,
nothing exceeds the parallelism, and the progress hook sees every Get."""

from __future__ import annotations

from paging_server import paging_server

from reconciler.http import ApiSettings
from reconciler.live import MAX_WINDOW, read_all
from reconciler.providers.revcent.provider import RevCentProvider

LATENCY = 0.05  # seconds per answer: long enough that overlapping requests really overlap


def provider(url: str) -> RevCentProvider:
    return RevCentProvider(ApiSettings(base_url=url, api_key="test-key"))


def test_list_pages_overlap_after_page_two_and_stop_soon_after_the_short_page():
    with paging_server(count=600, latency=LATENCY) as server:
        revcent = provider(server.url)
        try:
            read = read_all([revcent], keep=lambda ref: False, parallelism=16)
        finally:
            revcent.close()
    assert read == []
    # 24 full pages and an empty 25th were needed; pages 1 and 2 came one after the other.
    assert server.pages[:2] == [1, 2]
    assert sorted(set(server.pages))[:25] == list(range(1, 26))
    assert len(server.pages) == len(set(server.pages))  # no page asked for twice
    assert max(server.pages) < 25 + MAX_WINDOW  # speculation past the end is bounded
    assert server.most_in_flight > 1  # pages really overlapped


def test_gets_start_while_pages_are_still_coming_and_progress_sees_each():
    calls: list[tuple[int, int | None]] = []
    with paging_server(count=300, latency=LATENCY) as server:
        revcent = provider(server.url)
        try:
            read = read_all(
                [revcent],
                keep=lambda ref: ref.key.endswith("0"),
                parallelism=4,
                progress=lambda done, total: calls.append((done, total)),
            )
        finally:
            revcent.close()
    names = [ref.key for _, ref, _ in read]
    assert names == [f"Integration {i}" for i in range(0, 300, 10)]
    assert [live.name for _, _, live in read] == names
    arrivals = server.log
    first_get = min(t for kind, t in arrivals if kind == "get")
    last_list = max(t for kind, t in arrivals if kind == "list")
    assert first_get < last_list
    assert server.most_requests_in_flight <= 4
    assert calls[-1] == (30, 30)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert {done for done, _ in calls} >= set(range(1, 31))  # one call after each Get
    assert any(total is None for _, total in calls)  # Gets finished before the listing did


def test_one_worker_reads_one_page_at_a_time():
    with paging_server(count=120, latency=0.0) as server:
        revcent = provider(server.url)
        try:
            read = read_all([revcent], parallelism=1)
        finally:
            revcent.close()
    assert len(read) == 120
    assert server.pages == [1, 2, 3, 4, 5] and server.most_requests_in_flight == 1
