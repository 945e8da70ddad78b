"""Seeded random scenarios for the plan-promise differential test.

A scenario is a live account built through the sandbox's own API (integrations with saved
credentials, options and enabled state, some changed "outside the tool") and a YAML directory
derived from it with mutations. Every mutation is of one class: ``valid`` ones (renames to a
free name, descriptions, toggles, option changes, new integrations) that the vendor accepts,
and ``hostile`` ones that the vendor refuses or that are ambiguous. Only what the sandbox's
public HTTP API offers is used to build state, as a person or another tool would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

USER = "/v2/user_third_party_integrations"
KIND = "revcent/UserThirdPartyIntegration"


def _sid(text: str) -> str:
    return text + "0" * (20 - len(text))


# The parts of the sandbox catalog the generator draws from: credentials (the key field whose
# value selects the asset list first), options with their fields, and the asset lists per
# key. Written here from the catalog's public Get answers, not imported from the sandbox.
SITES: dict[str, dict[str, Any]] = {
    "avalara": {
        "id": _sid("SiteAvalaraTax"),
        "cred": "avalara_credentials",
        "fields": ["account_id", "license_key"],
        "key": "account_id",
        "assets": {
            "*": ["DEFAULT", "BRAND_A", "BRAND_B"],
            "2000999999": ["WHOLESALE", "EU_TRADING"],
        },
        "asset_option": ("company", "company_code"),
    },
    "shipstation": {
        "id": _sid("SiteShipStation"),
        "cred": "shipstation_credentials",
        "fields": ["api_key", "api_secret"],
        "key": "api_key",
        "assets": {
            "*": ["main-store", "brand-a-store", "brand-b-store"],
            "ss-other-account": ["outlet-store"],
        },
        "asset_option": ("store", "store_id"),
    },
    "sezzle": {
        "id": _sid("SiteSezzlePay"),
        "cred": "sezzle_credentials",
        "fields": ["public_key", "private_key"],
        "key": "public_key",
        "assets": {
            "*": ["merchant-us-main", "merchant-ca-main"],
            "sz-test-public": ["sandbox-merchant"],
        },
        "asset_option": ("merchant", "merchant_uuid"),
    },
    "anthropic": {
        "id": _sid("SiteAnthropic"),
        "cred": "anthropic_credentials",
        "fields": ["api_key"],
        "key": "api_key",
        "assets": {"*": ["claude-sonnet-4", "claude-haiku-4"]},
        "asset_option": ("model", "model_id"),
    },
    "taxjar": {
        "id": _sid("SiteTaxJarTax"),
        "cred": "taxjar_credentials",
        "fields": ["api_token"],
        "key": None,
        "assets": {},
        "asset_option": None,
    },
}

# Static option fields per site: (option, field, allowed values, multiple).
STATIC: dict[str, list[tuple[str, str, list[str], bool]]] = {
    "avalara": [("document_settings", "commit_documents", ["yes", "no"], False)],
    "shipstation": [
        (
            "shipping_services",
            "service_ids",
            ["ground", "two_day", "overnight", "international"],
            True,
        )
    ],
    "sezzle": [("capture", "capture_mode", ["auto", "manual"], False)],
    "anthropic": [],
    "taxjar": [
        ("nexus", "nexus_regions", ["US-CA", "US-FL", "US-NY", "US-TX", "US-WA", "CA-ON"], True)
    ],
}

VALID = (
    "description",
    "toggle",
    "static_option",
    "rename_free",
    "create",
    "whitespace_twins",
    "none",
)
HOSTILE = (
    "rename_taken",
    "missing_required_field",
    "stale_asset",
    "enable_incomplete",
    "bad_static_value",
    "multiple_on_single",
    "ignore_nothing",
)


@dataclass
class Live:
    """One live integration as the generator made it."""

    id: str
    name: str
    site: str
    description: str
    enabled: bool
    options: dict[str, dict[str, list[str]]]


@dataclass
class Scenario:
    seed: int
    mutations: list[str] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    # (live id, description it must have after apply): proves the right integration changed.
    expect: list[tuple[str, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(m in VALID for m in self.mutations)


class Account:
    """Builds live state through the sandbox's HTTP API."""

    def __init__(self, client: httpx.Client):
        self.client = client

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.client.post(path, json=body)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def create(self, name: str, site: str, creds: dict[str, str], description: str) -> str:
        info = SITES[site]
        body = {
            "name": name,
            "description": description,
            "site_third_party_integration": info["id"],
            "third_party_credentials": {
                "id": info["cred"],
                "fields": [{"id": k, "value": v} for k, v in creds.items()],
            },
        }
        return str(self._post(USER, body)["user_third_party_integration_id"])

    def edit(self, integration_id: str, body: dict[str, Any]) -> None:
        self._post(f"{USER}/{integration_id}", body)


def _options_body(options: dict[str, dict[str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {"id": o, "fields": [{"id": f, "value": v} for f, v in fields.items()]}
        for o, fields in options.items()
    ]


def _creds(rng: random.Random, site: str, key_value: str | None = None) -> dict[str, str]:
    info = SITES[site]
    values = {f: f"{f}-{rng.randrange(10**6)}" for f in info["fields"]}
    if key_value is not None and info["key"]:
        values[info["key"]] = key_value
    return values


def _asset_list(site: str, creds: dict[str, str]) -> list[str]:
    info = SITES[site]
    if not info["key"]:
        return []
    by_key: dict[str, list[str]] = info["assets"]
    return list(by_key.get(creds.get(info["key"], ""), by_key.get("*", [])))


def _yaml_value(values: list[str], multiple: bool) -> Any:
    return list(values) if multiple else values[0]


def _document(live: Live, *, pin: bool) -> dict[str, Any]:
    """The YAML that describes ``live`` exactly (credentials saved elsewhere)."""
    info = SITES[live.site]
    doc: dict[str, Any] = {"kind": KIND}
    if pin:
        doc["id"] = live.id
    doc["name"] = live.name
    doc["description"] = live.description
    doc["enabled"] = live.enabled
    doc["site_integration"] = info["id"]
    doc["credentials"] = {"id": info["cred"], "external": True}
    options: dict[str, Any] = {}
    for option, fields in live.options.items():
        options[option] = {
            f: _yaml_value(v, _is_multiple(live.site, option, f)) for f, v in fields.items()
        }
    if options:
        doc["options"] = options
    return doc


def _is_multiple(site: str, option: str, field_id: str) -> bool:
    return any(o == option and f == field_id and m for o, f, _, m in STATIC[site])


def build(seed: int, account: Account) -> Scenario:
    """Make live state and a mutated YAML directory for ``seed``; returns the scenario."""
    rng = random.Random(seed)
    scenario = Scenario(seed)
    lives: list[Live] = []
    for index in range(rng.randint(2, 4)):
        site = rng.choice(sorted(SITES))
        creds = _creds(rng, site)
        name = f"S{seed} integration {index}"
        description = f"made for scenario {seed}"
        live_id = account.create(name, site, creds, description)
        options: dict[str, dict[str, list[str]]] = {}
        info = SITES[site]
        if info["asset_option"]:
            option, field_id = info["asset_option"]
            options[option] = {field_id: [rng.choice(_asset_list(site, creds))]}
        for option, field_id, allowed, multiple in STATIC[site]:
            if rng.random() < 0.6:
                count = rng.randint(1, 2) if multiple else 1
                options.setdefault(option, {})[field_id] = rng.sample(allowed, count)
        if options:
            account.edit(live_id, {"third_party_options": _options_body(options)})
        enabled = rng.random() < 0.5
        if enabled:
            account.edit(live_id, {"enabled": True})
        lives.append(Live(live_id, name, site, description, enabled, options))

    documents = [_document(live, pin=rng.random() < 0.5) for live in lives]
    count = rng.choice((1, 1, 2))
    pool = VALID if rng.random() < 0.5 else HOSTILE
    for target in rng.sample(range(len(lives)), min(count, len(lives))):
        mutation = rng.choice(pool)
        applied = _mutate(mutation, rng, account, scenario, lives, documents, target)
        scenario.mutations.append(mutation if applied else "none")
    scenario.documents = documents
    return scenario


def _mutate(
    mutation: str,
    rng: random.Random,
    account: Account,
    scenario: Scenario,
    lives: list[Live],
    documents: list[dict[str, Any]],
    target: int,
) -> bool:
    """Apply one mutation in place; False when it does not fit this scenario."""
    live, doc = lives[target], documents[target]
    site = live.site
    if mutation == "none":
        return True
    if mutation == "description":
        doc["description"] = f"changed {rng.randrange(10**6)}"
        return True
    if mutation == "toggle":
        doc["enabled"] = not doc["enabled"]
        return True
    if mutation == "static_option":
        if not STATIC[site]:
            return False
        option, field_id, allowed, multiple = STATIC[site][0]
        values = rng.sample(allowed, rng.randint(1, 2) if multiple else 1)
        doc.setdefault("options", {}).setdefault(option, {})[field_id] = _yaml_value(
            values, multiple
        )
        return True
    if mutation == "rename_free":
        doc["id"] = live.id
        doc["name"] = f"S{scenario.seed} renamed {rng.randrange(10**6)}"
        return True
    if mutation == "create":
        new_site = rng.choice(sorted(SITES))
        info = SITES[new_site]
        fields = {}
        for f in info["fields"]:
            env = f"DIFF_{scenario.seed}_{len(documents)}_{f}".upper()
            scenario.env[env] = f"secret-{rng.randrange(10**9)}"
            fields[f] = {"env": env}
        new: dict[str, Any] = {
            "kind": KIND,
            "name": f"S{scenario.seed} new {len(documents)}",
            "site_integration": info["id"],
            "enabled": rng.random() < 0.5,
            "credentials": {"id": info["cred"], "fields": fields},
        }
        if info["asset_option"]:
            option, field_id = info["asset_option"]
            new["options"] = {option: {field_id: info["assets"]["*"][0]}}
        documents.append(new)
        return True
    if mutation == "rename_taken":
        others = [other for other in lives if other is not live]
        if not others:
            return False
        other = rng.choice(others)
        doc["id"] = live.id
        doc["name"] = other.name
        if rng.random() < 0.7:
            # The name is then taken only live, by an integration no YAML manages.
            documents[lives.index(other)]["_drop"] = True
        return True
    if mutation == "missing_required_field":
        if site != "avalara":
            return False
        doc.setdefault("options", {})["document_settings"] = {"document_prefix": "RC-"}
        return True
    if mutation == "stale_asset":
        info = SITES[site]
        other_keys = [k for k in info["assets"] if k != "*"]
        if not info["asset_option"] or not other_keys:
            return False
        # Credentials changed outside the tool: the saved asset is no longer offered.
        creds = _creds(rng, site, key_value=other_keys[0])
        account.edit(
            live.id,
            {
                "third_party_credentials": {
                    "id": info["cred"],
                    "fields": [{"id": k, "value": v} for k, v in creds.items()],
                }
            },
        )
        # The YAML leaves the asset option to live, so only the merged set carries it.
        doc.get("options", {}).pop(info["asset_option"][0], None)
        if STATIC[site]:
            option, field_id, allowed, multiple = STATIC[site][0]
            doc.setdefault("options", {}).setdefault(option, {})[field_id] = _yaml_value(
                [allowed[-1]], multiple
            )
        else:
            doc["description"] = "touch the options"
        return True
    if mutation == "whitespace_twins":
        twin = live.name.replace(" ", "  ", 1)
        creds = _creds(rng, site)
        twin_id = account.create(twin, site, creds, "a twin")
        # The YAML names one of the two exactly: the exact match must win over the other.
        named_id, named = (twin_id, twin) if rng.random() < 0.5 else (live.id, live.name)
        doc.pop("id", None)
        doc["name"] = named
        doc["description"] = f"exactly {named_id}"
        scenario.expect.append((named_id, f"exactly {named_id}"))
        return True
    if mutation == "enable_incomplete":
        info = SITES[site]
        if not info["asset_option"]:
            return False
        creds = _creds(rng, site)
        name = f"S{scenario.seed} bare {len(documents)}"
        bare_id = account.create(name, site, creds, "no options yet")
        documents.append(
            {
                "kind": KIND,
                "id": bare_id,
                "name": name,
                "site_integration": info["id"],
                "enabled": True,
                "credentials": {"id": info["cred"], "external": True},
            }
        )
        return True
    if mutation == "bad_static_value":
        if not STATIC[site]:
            return False
        option, field_id, _, multiple = STATIC[site][0]
        doc.setdefault("options", {}).setdefault(option, {})[field_id] = _yaml_value(
            ["not-a-choice"], multiple
        )
        return True
    if mutation == "multiple_on_single":
        singles = [s for s in STATIC[site] if not s[3]]
        if not singles:
            return False
        option, field_id, allowed, _ = singles[0]
        doc.setdefault("options", {}).setdefault(option, {})[field_id] = list(allowed[:2])
        return True
    if mutation == "ignore_nothing":
        doc["ignore"] = ["options.nope"]
        return True
    raise AssertionError(mutation)


def write(scenario: Scenario, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    kept = [d for d in scenario.documents if not d.get("_drop")]
    for index, document in enumerate(kept):
        (directory / f"i{index:02d}.yaml").write_text(
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
