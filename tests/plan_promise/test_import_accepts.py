"""Import never writes a file that plan refuses: stale assets left out with a FIX comment,
an empty live name skipped with a note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from helpers import cli, create_live

AVALARA = "SiteAvalaraTax000000"
TAXJAR = "SiteTaxJarTax0000000"


def test_import_of_stale_asset_and_empty_name_then_plan_is_clean(
    sandbox: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    live_id = create_live(
        sandbox,
        "Avalara main",
        AVALARA,
        credentials={"account_id": "1000", "license_key": "k"},
        credential_id="avalara_credentials",
        options={"company": {"company_code": ["DEFAULT"]}},
    )
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.api_key}) as http:
        http.post(
            f"/v2/user_third_party_integrations/{live_id}",
            json={
                "third_party_credentials": {
                    "id": "avalara_credentials",
                    "fields": [
                        {"id": "account_id", "value": "2000999999"},
                        {"id": "license_key", "value": "k"},
                    ],
                },
            },
        ).raise_for_status()
    empty_id = create_live(sandbox, "", TAXJAR)
    out_dir = tmp_path / "imported"
    code, out, err = cli(capsys, monkeypatch, sandbox, "import", "--out", str(out_dir))
    assert code == 0, err
    (written,) = sorted(out_dir.glob("*.yaml"))
    text = written.read_text(encoding="utf-8")
    fix = (
        "options.company.company_code: the saved value 'DEFAULT' is no longer offered by the "
        "account (assets now: WHOLESALE, EU_TRADING); left out of this file: set it to one of "
        "them before changing any option"
    )
    assert f"# FIX: {fix}\n" in text
    assert "company_code" not in text.split("kind:")[1]
    assert f"note: {written}: {fix} (written as a FIX comment in the file)" in err
    assert (
        f"note: skipped revcent integration {empty_id}: its name is empty, and the name is how "
        "reconciler matches it; name it in the vendor's UI, then import"
    ) in err
    code, out, err = cli(capsys, monkeypatch, sandbox, "plan", str(out_dir), "--detailed-exitcode")
    assert code == 0, out + err
