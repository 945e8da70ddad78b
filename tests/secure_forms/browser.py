"""A real headless Chromium driven over the DevTools protocol, with no new dependency.

Why CDP over aiohttp's websocket client instead of selenium/playwright: aiohttp is already a
dependency (the sandbox), Chromium and its protocol are all that is needed, and nothing has to
be downloaded from PyPI or a browser CDN at test time. The page is used as a person would:
click a field, type into it, click the button, read what the page then says.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
STEP_TIMEOUT = 30.0  # seconds for one browser action; generous, only a hang fails


def find_chromium() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Tab:
    """One page target, attached with a flat session on the browser's websocket."""

    def __init__(self, browser: Browser, session: str):
        self.browser = browser
        self.session = session

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        return await self.browser.send(method, session=self.session, **params)

    async def goto(self, url: str) -> None:
        loaded = self.browser.expect("Page.loadEventFired", self.session)
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(loaded, STEP_TIMEOUT)

    async def evaluate(self, expression: str) -> Any:
        answer = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return answer["result"].get("value")

    async def click(self, selector: str) -> None:
        """A mouse click at the centre of the element, as a person's click."""
        box = await self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def type_into(self, selector: str, text: str) -> None:
        await self.click(selector)
        await self.send("Input.insertText", text=text)

    async def submit(self, selector: str) -> str:
        """Click the submit button and return the text of the page it leads to."""
        loaded = self.browser.expect("Page.loadEventFired", self.session)
        await self.click(selector)
        await asyncio.wait_for(loaded, STEP_TIMEOUT)
        return str(await self.evaluate("document.body.innerText"))


class Browser:
    """A Chromium process and its DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, str | None, asyncio.Future[dict[str, Any]]]] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._pending:
                future = self._pending.pop(data["id"])
                if "error" in data:
                    future.set_exception(RuntimeError(f"CDP error: {data['error']}"))
                else:
                    future.set_result(data.get("result", {}))
            elif "method" in data:
                for waiter in list(self._waiters):
                    method, session, future = waiter
                    if data["method"] == method and session in (None, data.get("sessionId")):
                        self._waiters.remove(waiter)
                        if not future.done():
                            future.set_result(data.get("params", {}))

    async def send(self, method: str, *, session: str | None = None, **params: Any) -> Any:
        call_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[call_id] = future
        message: dict[str, Any] = {"id": call_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        await self.ws.send_str(json.dumps(message))
        return await asyncio.wait_for(future, STEP_TIMEOUT)

    def expect(self, method: str, session: str | None) -> asyncio.Future[dict[str, Any]]:
        """A future for the next event ``method`` (register before causing it)."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((method, session, future))
        return future

    async def new_tab(self) -> Tab:
        target = await self.send("Target.createTarget", url="about:blank")
        attached = await self.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        tab = Tab(self, attached["sessionId"])
        await tab.send("Page.enable")
        return tab


@contextlib.asynccontextmanager
async def chromium(executable: str) -> AsyncIterator[Browser]:
    """Headless Chromium on a free DevTools port, in a throwaway profile; killed on exit."""
    profile = tempfile.mkdtemp(prefix="reconciler-chromium-")
    args = [
        executable,
        "--headless=new",
        "--remote-debugging-port=0",  # Chromium picks a port and writes DevToolsActivePort
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-extensions",
        "--password-store=basic",
        "about:blank",
    ]
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + STEP_TIMEOUT
        while not (port_file.exists() and len(port_file.read_text().split("\n")) >= 2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{executable} did not start its DevTools endpoint")
            await asyncio.sleep(0.05)
        port, path = port_file.read_text().split("\n")[:2]
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0) as ws,
        ):
            browser = Browser(ws)
            try:
                yield browser
            finally:
                browser._reader.cancel()
    finally:
        process.kill()
        process.wait(timeout=STEP_TIMEOUT)
        shutil.rmtree(profile, ignore_errors=True)
