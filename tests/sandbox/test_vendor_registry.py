"""The vendor seam: a third vendor plugs in with a ``SandboxVendor`` alone, the real server
serves it beside the registered ones, and the core names no vendor.

The vendor "Nine" is made here and nowhere else: prefix ``/v9/``, its own error body, its own
key header, a header on every answer, a table in the shared database and a demo seed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from reconciler.sandbox.apierror import CORE_CODES, ApiFailure, VendorFailure
from reconciler.sandbox.context import state_of
from reconciler.sandbox.faults import FaultConfig
from reconciler.sandbox.registry import VENDORS, vendors
from reconciler.sandbox.revcent.errors import ERROR_CODES
from reconciler.sandbox.server import RunningSandbox, start_sandbox
from reconciler.sandbox.store import Store
from reconciler.sandbox.vendor import SandboxVendor, Serving

CORE = Path(__file__).resolve().parents[2] / "reconciler" / "sandbox"
USER = "/v2/user_third_party_integrations"
NINE_KEY = "Nine-Key"
NINE_SEEDED = "nine_demo_seeded"


class NineFailure(VendorFailure):
    """Nine's own refusal, in its own body."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why

    def response(self) -> web.Response:
        return web.json_response({"oops": {"why": self.why}}, status=418)


class NineAccount:
    """Nine's things, in a table of the shared database."""

    def __init__(self, store: Store):
        self.store = store
        store.connection.execute("CREATE TABLE IF NOT EXISTS nine_things (name TEXT PRIMARY KEY)")

    def names(self) -> list[str]:
        rows = self.store.connection.execute("SELECT name FROM nine_things ORDER BY name")
        return [row[0] for row in rows]


def _seed(account: NineAccount) -> bool:
    if account.store.meta_get(NINE_SEEDED):
        return False
    account.store.connection.execute("INSERT INTO nine_things VALUES ('demo-thing')")
    account.store.meta_set(NINE_SEEDED, "1")
    return True


routes = web.RouteTableDef()


@routes.get("/v9/things/{name}")
async def get_thing(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name == "teapot":
        raise NineFailure("short and stout")
    account = state_of(request).account("nine", NineAccount)
    return web.json_response({"thing": name, "known": account.names()})


def _render(exc: ApiFailure) -> web.Response:
    resp = web.json_response({"oops": {"code": exc.error_code}}, status=exc.status)
    resp.headers.update(exc.headers)
    return resp


def _read_key(request: web.Request) -> str | None:
    return request.headers.get(NINE_KEY)


def _mark(response: web.StreamResponse) -> None:
    response.headers["X-Nine"] = "1"


def _serving() -> Serving[Any]:
    return Serving(
        routes=(routes,),
        open_account=NineAccount,
        seed_demo=_seed,
        render_error=_render,
        read_key=_read_key,
        on_answer=_mark,
    )


NINE = SandboxVendor(name="nine", title="Nine", prefixes=("/v9/",), load=_serving)


@pytest.fixture
def nine(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(tmp_path / "nine.db", vendors=(*vendors(), NINE), seed_demo=True) as sb:
        yield sb


def _client(sb: RunningSandbox, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=sb.url, headers=headers, timeout=10)


def test_a_third_vendor_is_served_with_its_key_header_and_account(nine: RunningSandbox) -> None:
    with _client(nine, **{NINE_KEY: nine.api_key}) as client:
        resp = client.get("/v9/things/cup")
    assert resp.status_code == 200
    assert resp.json() == {"thing": "cup", "known": ["demo-thing"]}  # seeded on start
    assert resp.headers["X-Nine"] == "1"


def test_errors_on_its_paths_take_its_shape(nine: RunningSandbox) -> None:
    with _client(nine, **{NINE_KEY: nine.api_key}) as client:
        assert client.get("/v9/things/teapot").json() == {"oops": {"why": "short and stout"}}
        missing = client.get("/v9/nothing")
        assert (missing.status_code, missing.json()) == (404, {"oops": {"code": "not_found"}})
        wrong = client.post("/v9/things/cup")
        assert wrong.status_code == 405 and wrong.json() == {"oops": {"code": "method_not_allowed"}}
        assert "GET" in wrong.headers["Allow"]
        assert wrong.headers["X-Nine"] == "1"  # every answer, errors too
        nine.set_faults(FaultConfig(error_rate=1.0, seed=3))
        fault = client.get("/v9/things/cup")
        nine.set_faults(FaultConfig())
    assert fault.status_code in (500, 503)
    assert fault.json()["oops"]["code"] in ("internal_error", "service_unavailable")


def test_its_key_reader_decides_who_gets_in(nine: RunningSandbox) -> None:
    with _client(nine, **{"x-api-key": nine.api_key}) as client:  # not Nine's header
        none = client.get("/v9/things/cup")
    with _client(nine, **{NINE_KEY: "not-the-key"}) as client:
        bad = client.get("/v9/things/cup")
    assert (none.status_code, none.json()) == (401, {"oops": {"code": "missing_api_key"}})
    assert (bad.status_code, bad.json()) == (401, {"oops": {"code": "invalid_api_key"}})


def test_the_registered_vendors_are_unaffected(nine: RunningSandbox) -> None:
    with _client(nine, **{"x-api-key": nine.api_key}) as client:
        listed = client.get(USER)
        unknown = client.get("/v2/nothing")
        admin = client.post("/_sandbox/stats/reset")
    with _client(nine, Authorization=f"Bearer {nine.api_key}") as client:
        solvimon = client.get("/v1/integrations")
        refused = client.get("/v2/nothing")  # Bearer is Solvimon's, not RevCent's
    assert listed.status_code == 200 and listed.json()["code"] == 1
    assert len(listed.json()["results"]) == 4  # RevCent's demo, seeded beside Nine's
    assert unknown.json()["error_code"] == "not_found" and unknown.json()["code"] == 0
    assert admin.json()["code"] == 1 and admin.json()["result"] == "stats reset"
    assert solvimon.status_code == 200 and len(solvimon.json()["data"]) == 3
    assert len(solvimon.headers["X-REQUEST-ID"]) == 32
    assert refused.json()["error_code"] == "missing_api_key"
    for resp in (listed, unknown, admin, solvimon):
        assert "X-Nine" not in resp.headers


def test_reset_empties_and_reseeds_every_vendor_in_the_file(nine: RunningSandbox) -> None:
    with _client(nine, **{"x-api-key": nine.api_key, NINE_KEY: nine.api_key}) as client:
        assert client.post("/_sandbox/reset").json()["demo_seeded"] is False
        assert client.get("/v9/things/cup").json()["known"] == []
        assert client.get(USER).json()["results"] == []
        again = client.post("/_sandbox/reset", json={"seed_demo": True})
        assert again.json()["demo_seeded"] is True
        assert client.get("/v9/things/cup").json()["known"] == ["demo-thing"]
        assert len(client.get(USER).json()["results"]) == 4


def test_the_default_sandbox_serves_the_registry_only(sandbox: RunningSandbox) -> None:
    with _client(sandbox, **{NINE_KEY: sandbox.api_key, "x-api-key": sandbox.api_key}) as c:
        resp = c.get("/v9/things/cup")
    assert resp.status_code == 404 and resp.json()["error_code"] == "not_found"


def test_registry_names_packages_that_export_a_vendor() -> None:
    found = vendors()
    assert [v.name for v in found] == [name.rsplit(".", 1)[1] for name in VENDORS]
    assert len({p for v in found for p in v.prefixes}) == sum(len(v.prefixes) for v in found)


def test_core_codes_keep_their_status_in_every_table() -> None:
    """The core raises its codes on any vendor's paths; RevCent's table lists them alike."""
    for code, (status, _) in CORE_CODES.items():
        assert ERROR_CODES[code][0] == status, code


def _core_files() -> list[Path]:
    return sorted(CORE.glob("*.py"))


def _imported(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_the_core_imports_no_vendor_package() -> None:
    assert len(_core_files()) > 10
    for path in _core_files():
        for module in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            for vendor in VENDORS:
                assert not (module == vendor or module.startswith(vendor + ".")), (path, module)


def test_only_the_registry_names_a_vendor() -> None:
    names = [vendor.rsplit(".", 1)[1] for vendor in VENDORS]
    for path in _core_files():
        lines = path.read_text(encoding="utf-8").lower().splitlines()
        hits = [line for line in lines if any(name in line for name in names)]
        if path.name == "registry.py":
            assert len(hits) == 1 and hits[0].startswith("vendors = ("), hits  # the list
        else:
            assert hits == [], (path.name, hits)
