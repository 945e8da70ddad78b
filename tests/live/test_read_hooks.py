"""read_live's hooks: ``each`` sees every desired object once, in the caller's thread, while
later Gets are still in flight; ``alongside`` runs in the pool; errors keep their order."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from paging_server import paging_server

from reconciler.errors import NotFoundError
from reconciler.http import ApiSettings
from reconciler.live import Target, read_live
from reconciler.providers.revcent.provider import RevCentProvider
from reconciler.workspace import load_workspace

LATENCY = 0.03  # seconds per answer: Gets of one batch overlap the caller's work on another


def _target(url: str, tmp_path: Path, names: list[str]) -> Target:
    docs = "---\n".join(
        f"kind: revcent/UserThirdPartyIntegration\nname: {name}\nsite_integration: EasyPost\n"
        for name in names
    )
    (tmp_path / "all.yaml").write_text(docs, encoding="utf-8")
    desired = load_workspace([str(tmp_path)]).desired["revcent"]
    return Target(RevCentProvider(ApiSettings(base_url=url, api_key="k")), list(desired))


def test_each_sees_every_object_once_in_the_callers_thread_while_gets_still_run(
    tmp_path: Path,
) -> None:
    names = [f"Integration {i}" for i in range(0, 120, 2)] + ["Not listed"]
    seen: list[tuple[int, str | None, bool, float]] = []

    def each(index: int, body: Any) -> None:
        name = None if body is None else body.name
        main = threading.current_thread() is threading.main_thread()
        seen.append((index, name, main, time.monotonic()))

    with paging_server(count=120, latency=LATENCY) as server:
        target = _target(server.url, tmp_path, names)
        try:
            state = read_live(target, parallelism=4, each=each)
        finally:
            target.provider.close()
    assert sorted(index for index, *_ in seen) == list(range(len(names)))
    assert {index: name for index, name, *_ in seen} == {
        i: (None if name == "Not listed" else name) for i, name in enumerate(names)
    }
    assert all(main for *_, main, _ in seen)
    assert seen[0][1] is None  # the object nothing matched is told first, not last
    # bodies reached the hook while Gets were still arriving at the server
    last_get = max(t for kind, t in server.log if kind == "get")
    first_body = min(t for _, name, _, t in seen if name is not None)
    assert first_body < last_get
    assert len(state.bodies) == 60 and server.most_requests_in_flight <= 4


def test_alongside_runs_in_the_pool_and_each_waits_for_it(tmp_path: Path) -> None:
    done: list[float] = []
    first_each: list[float] = []

    with paging_server(count=50, latency=LATENCY) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(50)])

        def alongside() -> None:
            assert threading.current_thread() is not threading.main_thread()
            target.provider.client.list_page(1)  # a request, within the parallelism
            done.append(time.monotonic())

        def each(index: int, body: Any) -> None:
            first_each.append(time.monotonic())

        try:
            read_live(target, parallelism=3, alongside=alongside, each=each)
        finally:
            target.provider.close()
    assert len(done) == 1 and len(first_each) == 50
    assert done[0] <= min(first_each)
    assert server.most_requests_in_flight <= 3
    assert server.pages.count(1) == 2  # the listing's page 1 and the one alongside


def test_after_a_failed_get_each_stops_and_the_first_failure_by_id_is_raised(
    tmp_path: Path,
) -> None:
    gone = frozenset({f"{7:020d}", f"{3:020d}"})
    seen: list[int] = []
    with paging_server(count=40, latency=LATENCY, gone=gone) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(40)])
        try:
            with pytest.raises(NotFoundError) as caught:
                read_live(target, parallelism=4, each=lambda index, body: seen.append(index))
        finally:
            target.provider.close()
    assert str(caught.value).startswith(f"Integration 3 ({3:020d}): ")
    assert 3 not in seen and 7 not in seen
    assert len(seen) < 40


def test_an_alongside_failure_is_raised_after_the_reads_own_errors(tmp_path: Path) -> None:
    def alongside() -> None:
        raise RuntimeError("catalog unavailable")

    seen: list[int] = []
    with paging_server(count=10, latency=0.0) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(10)])
        try:
            with pytest.raises(RuntimeError, match="catalog unavailable"):
                read_live(target, alongside=alongside, each=lambda i, b: seen.append(i))
        finally:
            target.provider.close()
    assert seen == []  # nothing is handed on without what alongside fetches
    with paging_server(count=10, latency=0.0, gone=frozenset({f"{4:020d}"})) as server:
        target = _target(server.url, tmp_path, [f"Integration {i}" for i in range(10)])
        try:
            with pytest.raises(NotFoundError, match="Integration 4"):
                read_live(target, alongside=alongside, each=lambda i, b: seen.append(i))
        finally:
            target.provider.close()
