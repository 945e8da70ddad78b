"""A sandbox running as its own process, steered over its ``/_sandbox/`` admin routes.

Why a separate process: the benchmarks measure the tool's CPU time and memory, which must not
include the server's; and the server must not compete with the tool for the GIL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

API_KEY = "bench-key"
START_TIMEOUT = 20.0  # seconds for the server to print its URL
USER = "/v2/user_third_party_integrations"
_URL = re.compile(r"RevCent sandbox on (http://\S+)")


class SandboxProcess:
    """``python -m reconciler sandbox serve --port 0`` in a fresh database; a context manager.

    The port is chosen by the OS (``--port 0``) and read back from the line the server prints
    when it is ready, so two runs never race for a port.
    """

    def __init__(self, workdir: str | Path | None = None):
        self._tmp = tempfile.TemporaryDirectory(prefix="reconciler-bench-")
        self.workdir = Path(workdir or self._tmp.name)
        self.url = ""
        self.api_key = API_KEY
        self._proc: subprocess.Popen[bytes] | None = None
        self._http: httpx.Client | None = None

    def start(self) -> SandboxProcess:
        out = self.workdir / "sandbox.out"
        err = self.workdir / "sandbox.err"
        cmd = [
            sys.executable,
            "-m",
            "reconciler",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--db",
            str(self.workdir / "sandbox.db"),
            "--no-seed-demo",
            "--api-key",
            self.api_key,
        ]
        # This checkout first: another one may be the installed (editable) reconciler.
        root = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            self._proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, env=env)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            found = _URL.search(out.read_text(encoding="utf-8", errors="replace"))
            if found:
                self.url = found.group(1)
                break
            if self._proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.url:
            self.stop()
            raise RuntimeError(f"the sandbox did not start: {err.read_text(errors='replace')}")
        self._http = httpx.Client(
            base_url=self.url, headers={"x-api-key": self.api_key}, timeout=120
        )
        return self

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 5 s) and remove its files."""
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._proc = None
        self._tmp.cleanup()

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- admin routes ---------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None) -> Any:
        assert self._http is not None, "start() first"
        answer = self._http.request(method, path, json=body)
        answer.raise_for_status()
        return answer.json()

    def reset(self) -> None:
        self._call("POST", "/_sandbox/reset", {})

    def seed(self, count: int, prefix: str = "bench-") -> list[str]:
        return list(self._call("POST", "/_sandbox/seed", {"count": count, "prefix": prefix})["ids"])

    def set_faults(self, **faults: Any) -> None:
        self._call("PUT", "/_sandbox/faults", faults)

    def stats(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_sandbox/stats"))

    def reset_stats(self) -> None:
        self._call("POST", "/_sandbox/stats/reset")

    def list_all(self) -> list[dict[str, Any]]:
        """Every integration's full list item, page by page (25 a page, the vendor's maximum)."""
        items: list[dict[str, Any]] = []
        for page in range(1, 100_000):
            results = self._page(page)
            items += results
            if len(results) < 25:
                break
        return items

    def _page(self, page: int) -> list[dict[str, Any]]:
        assert self._http is not None
        answer = self._http.get(USER, params={"limit": 25, "page": page})
        answer.raise_for_status()
        return list(answer.json()["results"])
