"""Helpers of the reliability suite: YAML for seeded integrations, journals, a sandbox process.

Why its own sandbox process helper: the crash test kills the tool with SIGKILL, which only
means something when the tool and the server are separate processes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml

from reconciler.providers.revcent.export import export_document

USER = "/v2/user_third_party_integrations"
SCALE = max(1, int(os.environ.get("RECONCILER_RELIABILITY_SCALE", "1")))
_URL = re.compile(r"RevCent sandbox on (http://\S+)")


def admin(url: str, key: str, method: str, path: str, body: Any = None) -> Any:
    """Call a ``/_sandbox/`` route; fails the test unless it answers 200."""
    with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=60) as http:
        answer = http.request(method, path, json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()


def list_items(url: str, key: str) -> list[dict[str, Any]]:
    """Every integration's list item, page by page (bounded: 25 a page, 10,000 pages)."""
    items: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=60) as http:
        for page in range(1, 10_001):
            answer = http.get(USER, params={"limit": 25, "page": page})
            assert answer.status_code == 200, answer.text
            results = answer.json()["results"]
            items += results
            if len(results) < 25:
                break
    return items


def yaml_of(item: Mapping[str, Any], *, description: str | None = None) -> str:
    """A document describing a live list item exactly (the importer's own export, site by id,
    matched by name), optionally re-described."""
    doc = export_document(item)
    del doc["id"]
    if description is not None:
        doc["description"] = description
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def write_docs(path: Path, docs: Iterable[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n".join(docs), encoding="utf-8")
    return path


def journal_lines(path: Path) -> list[dict[str, Any]]:
    """Every record of a journal; fails the test on a line that is not valid JSON."""
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), "the journal ends in a partial line"
    return [json.loads(line) for line in text.splitlines()]


class SandboxProcess:
    """``python -m reconciler sandbox serve --port 0`` in ``workdir``; a context manager."""

    def __init__(self, workdir: Path, *extra: str):
        self.workdir = workdir
        self.extra = extra
        self.url = ""
        self.api_key = "reliability"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SandboxProcess:
        out = self.workdir / "sandbox.out"
        argv = [sys.executable, "-m", "reconciler", "sandbox", "serve", "--port", "0"]
        argv += ["--db", str(self.workdir / "sandbox.db"), "--no-seed-demo"]
        argv += ["--api-key", self.api_key, *self.extra]
        with open(out, "wb") as stdout:
            self.proc = subprocess.Popen(
                argv, stdout=stdout, stderr=subprocess.STDOUT, env=tool_env()
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            found = _URL.search(out.read_text(errors="replace"))
            if found:
                self.url = found.group(1)
                return self
            time.sleep(0.05)
        self.__exit__()
        raise AssertionError(f"the sandbox did not start: {out.read_text(errors='replace')}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


def tool_env(**extra: str) -> dict[str, str]:
    """The environment of a tool subprocess: this checkout importable, no colours."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1", **extra}


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a child we started: SIGTERM, then SIGKILL after 5 s; always reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
