"""Running the sandbox: in a background thread (tests, ``--sandbox``) or in the foreground (CLI).

Why a thread with its own event loop: callers are synchronous (the CLI, pytest), and the
sandbox must keep answering many requests at once, with injected latency, while they block.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from aiohttp import web

from reconciler.sandbox import DEFAULT_API_KEY
from reconciler.sandbox.app import create_app
from reconciler.sandbox.context import SandboxState
from reconciler.sandbox.faults import FaultConfig, FaultInjector
from reconciler.sandbox.registry import vendors as registered
from reconciler.sandbox.stats import Stats
from reconciler.sandbox.store import Store
from reconciler.sandbox.vendor import SandboxVendor

# Long enough for in-flight answers (latency included) to finish, short enough for tests.
SHUTDOWN_TIMEOUT = 2.0


@dataclass
class _Live:
    runner: web.AppRunner
    state: SandboxState
    url: str


async def _open(
    db_path: str | Path,
    host: str,
    port: int,
    api_key: str,
    faults: FaultConfig | None,
    seed_demo: bool,
    vendors: Sequence[SandboxVendor] | None = None,
) -> _Live:
    # The store is opened here, on the loop's thread: sqlite3 connections stay on one thread.
    store = Store(db_path)
    try:
        served = registered() if vendors is None else tuple(vendors)
        state = SandboxState(store, FaultInjector(faults), Stats(), api_key, served)
        if seed_demo:
            state.seed_demo()
        runner = web.AppRunner(
            create_app(state), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        store.close()
        raise
    bound = runner.addresses[0][1]
    return _Live(runner, state, f"http://{_url_host(host)}:{bound}")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


async def _close(live: _Live) -> None:
    await live.runner.cleanup()
    live.state.store.close()


class RunningSandbox:
    """A sandbox serving in a background thread; a context manager that stops it on exit."""

    def __init__(self, live: _Live, loop: asyncio.AbstractEventLoop, thread: threading.Thread):
        self._live = live
        self._loop = loop
        self._thread = thread
        self.url = live.url
        self.api_key = live.state.api_key
        self.db_path = live.state.store.path

    def set_faults(self, faults: FaultConfig) -> None:
        """Reconfigure faults (the same as ``PUT /_sandbox/faults``); applied when it returns."""
        injector = self._live.state.faults

        async def configure() -> None:
            injector.configure(faults)

        asyncio.run_coroutine_threadsafe(configure(), self._loop).result()

    def stop(self) -> None:
        """Finish in-flight answers, close the database and end the thread. Idempotent."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(_close(self._live), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningSandbox(url={self.url!r}, db_path={str(self.db_path)!r})"


def start_sandbox(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    api_key: str = DEFAULT_API_KEY,
    faults: FaultConfig | None = None,
    seed_demo: bool = False,
    vendors: Sequence[SandboxVendor] | None = None,
) -> RunningSandbox:
    """Start a sandbox on ``host:port`` (0 = a free port) and return once it accepts requests.

    ``vendors`` defaults to the registry's; a test may serve others beside (or instead of) them.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="reconciler-sandbox", daemon=True)
    thread.start()
    opening = asyncio.run_coroutine_threadsafe(
        _open(db_path, host, port, api_key, faults, seed_demo, vendors), loop
    )
    try:
        live = opening.result()
    except BaseException:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        raise
    return RunningSandbox(live, loop, thread)


def serve_forever(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    api_key: str = DEFAULT_API_KEY,
    faults: FaultConfig | None = None,
    seed_demo: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until SIGINT/SIGTERM; ``on_ready(url)`` once listening."""

    async def main() -> None:
        live = await _open(db_path, host, port, api_key, faults, seed_demo)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Not available on Windows event loops; Ctrl-C then ends asyncio.run instead.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        if on_ready is not None:
            on_ready(live.url)
        try:
            await stop.wait()
        finally:
            await _close(live)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
