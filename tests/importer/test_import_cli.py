"""``reconciler import`` over the real sandbox: plan shows nothing, same bytes twice, no clobber."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import cli, create_live, edit, get
from import_support import every_kind

from reconciler import __version__
from reconciler.project import schema_base_url
from reconciler.sandbox.revcent import catalog

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "every-kind"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # regenerate: UPDATE_GOLDEN=1 pytest tests/importer


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _import(capsys, monkeypatch, sandbox, out: Path, *args: str) -> tuple[int, str, str]:
    return cli(capsys, monkeypatch, sandbox, "import", "--out", str(out), *args)


def test_import_of_every_kind_then_plan_shows_no_changes(sandbox, tmp_path, capsys, monkeypatch):
    ids = every_kind(sandbox)
    out = tmp_path / "integrations"
    code, stdout, err = _import(capsys, monkeypatch, sandbox, out)
    assert code == 0, err
    assert stdout.endswith(
        f"Imported 10 integration(s) into {out}. Check them with: reconciler plan {out}\n"
    )
    code, stdout, err = cli(capsys, monkeypatch, sandbox, "validate", str(out))
    assert (code, stdout) == (0, "ok: 10 integration(s) in 10 file(s) are valid (schema checks)\n")
    code, stdout, err = cli(capsys, monkeypatch, sandbox, "plan", str(out), "--detailed-exitcode")
    assert code == 0, stdout + err
    assert stdout.endswith(
        "Plan: 0 to create, 0 to update, 10 unchanged, 0 unmanaged. "
        "No changes: the account matches the configuration.\n"
    )
    code, _, err = cli(capsys, monkeypatch, sandbox, "validate", str(out), "--live")
    assert code == 0, err
    code, stdout, err = cli(capsys, monkeypatch, sandbox, "drift", str(out), "--fail-on-unmanaged")
    assert code == 0, stdout + err
    assert stdout.endswith("No drift: 0 drifted, 0 missing, 10 in sync, 0 unmanaged.\n")

    # Exactly these files: ids, the URL and the schema path made stable for the golden copy.
    files = {name: text.decode() for name, text in _files(out).items()}
    stable = {
        name: _stable(text, ids, sandbox.url, schema_base_url()) for name, text in files.items()
    }
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for old in GOLDEN.iterdir():
            old.unlink()
        for name, text in stable.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    assert stable == {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.iterdir())}
    sites = {line.split(": ", 1)[1] for t in files.values() for line in t.splitlines()
             if line.startswith("site_integration: ")}  # fmt: skip
    assert len(sites) == len(catalog.SITE_INTEGRATIONS)


def _stable(text: str, ids: dict[str, str], url: str, schemas: str) -> str:
    for name, id_ in ids.items():
        text = text.replace(id_, f"<id {name}>")
    return text.replace(url, "<sandbox>").replace(schemas, "<schemas>")


def test_import_is_deterministic(sandbox, tmp_path, capsys, monkeypatch):
    every_kind(sandbox)
    first, second = tmp_path / "a" / "out", tmp_path / "b" / "out"
    assert _import(capsys, monkeypatch, sandbox, first)[0] == 0
    assert _import(capsys, monkeypatch, sandbox, second, "--parallelism", "1")[0] == 0
    assert _files(first) == _files(second)
    assert _import(capsys, monkeypatch, sandbox, first, "--force")[0] == 0
    assert _files(first) == _files(second)


def test_import_refuses_to_overwrite(sandbox, tmp_path, capsys, monkeypatch):
    create_live(sandbox, "Tracking", catalog.EASYPOST, description="Kept.")
    create_live(sandbox, "Tax", catalog.TAXJAR)
    out = tmp_path / "integrations"
    out.mkdir()
    (out / "tracking.yaml").write_text("# mine\n")
    code, stdout, err = _import(capsys, monkeypatch, sandbox, out)
    assert (code, stdout) == (1, "")
    assert err == (
        f"error: refusing to overwrite existing file(s): {out / 'tracking.yaml'} "
        "(pass --overwrite to replace them, or choose another --out-dir)\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["tracking.yaml"]  # nothing written
    assert (out / "tracking.yaml").read_text() == "# mine\n"
    code, stdout, err = _import(capsys, monkeypatch, sandbox, out, "--force")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["tax.yaml", "tracking.yaml"]
    assert "description: Kept.\n" in (out / "tracking.yaml").read_text()


def test_name_selects_and_an_unknown_name_is_an_error(sandbox, tmp_path, capsys, monkeypatch):
    tracking = create_live(sandbox, "Tracking", catalog.EASYPOST)
    create_live(sandbox, "Tax", catalog.TAXJAR)
    out = tmp_path / "out"
    code, stdout, err = _import(
        capsys, monkeypatch, sandbox, out, "--name", "Nope", "--name", "Tax"
    )
    assert (code, stdout) == (1, "")
    assert err == (
        "error: no live integration is called 'Nope' "
        "(names are matched exactly, whatever their whitespace)\n"
    )
    assert not out.exists()
    code, stdout, err = _import(capsys, monkeypatch, sandbox, out, "--name", " Tracking ")
    assert code == 0, err
    assert stdout.startswith(f"wrote {out / 'tracking.yaml'}  (Tracking, {tracking})\n")
    assert [p.name for p in out.iterdir()] == ["tracking.yaml"]


def test_colliding_file_names_get_the_id(sandbox, tmp_path, capsys, monkeypatch):
    first = create_live(sandbox, "Tax A", catalog.TAXJAR)
    second = create_live(sandbox, "tax-a", catalog.TAXJAR)
    create_live(sandbox, "Tax B", catalog.TAXJAR)
    out = tmp_path / "out"
    assert _import(capsys, monkeypatch, sandbox, out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"tax-a-{first}.yaml", f"tax-a-{second}.yaml", "tax-b.yaml"]
    )


def test_adopting_an_account_then_editing(sandbox, tmp_path, capsys, monkeypatch):
    """The README walk-through: import, plan shows nothing, edit, plan shows the edit."""
    live_id = create_live(
        sandbox, "Tracking", catalog.EASYPOST, description="Kept.",
        credentials={"api_key": "k"}, credential_id="easypost_credentials",
    )  # fmt: skip
    out = tmp_path / "integrations"
    assert _import(capsys, monkeypatch, sandbox, out)[0] == 0
    assert cli(capsys, monkeypatch, sandbox, "plan", str(out), "--detailed-exitcode")[0] == 0
    path = out / "tracking.yaml"
    path.write_text(path.read_text().replace("enabled: false", "enabled: true"))
    code, stdout, _ = cli(capsys, monkeypatch, sandbox, "plan", str(out), "--detailed-exitcode")
    assert code == 2
    assert f"~ update  Tracking ({live_id})" in stdout
    assert "    enabled  false → true\n" in stdout
    assert stdout.endswith("Plan: 0 to create, 1 to update, 0 unchanged, 0 unmanaged.\n")
    # A rename in the web UI later: the pinned id keeps the file attached to it.
    edit(sandbox, live_id, {"name": "Tracking (legacy)"})
    code, stdout, _ = cli(capsys, monkeypatch, sandbox, "drift", str(out))
    assert code == 2
    assert stdout.endswith(
        '    name     YAML "Tracking"  live "Tracking (legacy)"\n'
        "    enabled  YAML true  live false\n\n"
        "Drift: 1 drifted, 0 missing, 0 in sync, 0 unmanaged.\n"
    )
    assert get(sandbox, live_id)["enabled"] is False  # plan and drift never wrote


def test_the_modeline_is_the_schema_url_of_this_release(sandbox, tmp_path, capsys, monkeypatch):
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    create_live(sandbox, "Billing", catalog.TAXJAR)
    out = tmp_path / "out"
    assert _import(capsys, monkeypatch, sandbox, out)[0] == 0
    first = (out / "tracking.yaml").read_text().splitlines()[0]
    assert first == (
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/"
        f"integration-reconciler/reconciler/v{__version__}/schemas/revcent-integration.schema.json"
    )


def test_schema_ref_local_points_at_the_installed_schema(sandbox, tmp_path, capsys, monkeypatch):
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    out = tmp_path / "deep" / "out"
    assert _import(capsys, monkeypatch, sandbox, out, "--schema-ref", "local")[0] == 0
    first = (out / "tracking.yaml").read_text().splitlines()[0]
    target = first.removeprefix("# yaml-language-server: $schema=")
    assert not target.startswith(("/", "http"))
    assert (out / target).resolve() == ROOT / "schemas" / "revcent-integration.schema.json"


def test_schema_ref_can_be_a_url(sandbox, tmp_path, capsys, monkeypatch):
    create_live(sandbox, "Tracking", catalog.EASYPOST)
    out = tmp_path / "out"
    url = "https://example.com/revcent-integration.schema.json"
    assert _import(capsys, monkeypatch, sandbox, out, "--schema-ref", url)[0] == 0
    first = (out / "tracking.yaml").read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={url}"
