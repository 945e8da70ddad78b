"""Hostile secret files: a fork's YAML may point ``{file: ...}`` at anything on the runner.

Each case must end in one ``file:line`` error naming the integration and the field, exit 1,
nothing sent, in bounded time and memory, and never a traceback or a byte of the file.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli, list_names, write_yaml

CONFIG = """
kind: revcent/UserThirdPartyIntegration
name: Ship A
site_integration: EasyPost
credentials:
  id: easypost_credentials
  fields:
    api_key: {{file: {path}}}
"""

PREFIX = "Ship A: credential field 'api_key' refers to file"


def _apply(sandbox: Any, work: Path, capsys: Any, monkeypatch: Any, secret: str) -> str:
    path = write_yaml(work, "ship.yaml", CONFIG.format(path=secret))
    started = time.monotonic()
    code, out, err = cli(capsys, monkeypatch, sandbox, "apply", str(path), "--auto-approve")
    assert time.monotonic() - started < 20  # bounded: /dev/zero or a FIFO never hang it
    assert code == 1, out + err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1] == "1 error(s): nothing was sent.", err
    assert list_names(sandbox) == []
    return next(line for line in lines if line.startswith(f"{path}:7:"))


def test_dev_zero_is_refused_as_a_device(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    line = _apply(sandbox, work, capsys, monkeypatch, "/dev/zero")
    assert f"{PREFIX} /dev/zero, which is a device, not a regular file" in line
    assert "(point it at a regular file)" in line


def test_a_fifo_is_refused_without_blocking(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    fifo = work / "secret.fifo"
    os.mkfifo(fifo)
    line = _apply(sandbox, work, capsys, monkeypatch, str(fifo))
    assert f"{PREFIX} {fifo}, which is a named pipe (FIFO), not a regular file" in line


def test_a_sparse_gigabyte_is_refused_reading_only_the_limit(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    sparse = work / "huge.secret"
    with sparse.open("wb") as handle:
        handle.truncate(1 << 30)  # 1 GiB of holes: no disk used, endless zeros to a reader
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = _apply(sandbox, work, capsys, monkeypatch, str(sparse))
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert f"{PREFIX} {sparse}, which is larger than 64 KiB" in line
    assert grown_kib < 100 * 1024  # far below the 1 GiB a whole read would take


def test_a_file_that_is_not_utf8_is_refused_without_its_bytes(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any
) -> None:
    binary = work / "key.bin"
    binary.write_bytes(b"canary-\xff\xfe-bytes")
    line = _apply(sandbox, work, capsys, monkeypatch, str(binary))
    assert f"{PREFIX} {binary}, which is not UTF-8 text (save the secret as UTF-8 text)" in line
    assert "canary" not in line


def test_a_directory_is_refused(sandbox: Any, work: Path, capsys: Any, monkeypatch: Any) -> None:
    line = _apply(sandbox, work, capsys, monkeypatch, str(work))
    assert f"{PREFIX} {work}, which is a directory, not a regular file" in line


@pytest.mark.parametrize("size", [64 * 1024, 64 * 1024 + 1])
def test_the_limit_is_64_kib(
    sandbox: Any, work: Path, capsys: Any, monkeypatch: Any, size: int
) -> None:
    secret = work / "edge.secret"
    secret.write_text("k" * size, encoding="utf-8")
    path = write_yaml(work, "ship.yaml", CONFIG.format(path=secret))
    code, _out, err = cli(capsys, monkeypatch, sandbox, "plan", str(path), "--require-secrets")
    if size <= 64 * 1024:
        assert code == 0, err
    else:
        assert code == 1
        assert "which is larger than 64 KiB" in err
    assert "k" * 100 not in err
