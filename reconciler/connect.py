"""Build provider instances from settings: API URL and key per provider, a limiter per host.

Why not in the CLI: tests, benchmarks and the CLI all connect the same way; keys come only from
the environment (never argv, which shows in ``ps`` and shell history).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.errors import ConfigError
from reconciler.http import ApiSettings, RetryPolicy, plain_base
from reconciler.providers.base import AnyProvider
from reconciler.providers.registry import ProviderInfo, all_providers, load_class, provider_named
from reconciler.ratelimit import RateLimiter
from reconciler.transport import Transport


@dataclass
class Connection:
    """Where each provider's API is, how fast to go, and the limiter all requests share."""

    urls: Mapping[str, str] = field(default_factory=dict)  # provider name -> base URL
    keys: Mapping[str, str] = field(default_factory=dict)  # provider name -> API key
    # --api-url: the base URL of the one provider a run uses (refused when it uses several)
    api_url: str | None = None
    timeout: float = 30.0
    max_rps: float | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # What sends every client's requests (None: the default, see transport.py); tests wrap one.
    transport: Transport | None = field(default=None, repr=False)
    # One limiter for every host (tests); by default each API host gets its own.
    limiter: RateLimiter | None = None
    _limiters: dict[tuple[str, str, int], RateLimiter] = field(default_factory=dict, repr=False)

    def limiter_for(self, url: str) -> RateLimiter:
        """The limiter of ``url``'s host (scheme, host, port), made on first use.

        Why per host: a vendor's rate limit counts every request to its API, whichever
        provider, thread or step (plan, then apply) sends it; two vendors' limits are
        unrelated, so one's 429s must not slow the other down.
        """
        if self.limiter is not None:
            return self.limiter
        return self._limiters.setdefault(host_key(url), RateLimiter(self.max_rps))

    def settings_for(self, info: ProviderInfo) -> ApiSettings:
        url = self.urls.get(info.name) or os.environ.get(info.env_url) or info.default_url
        key = self.keys.get(info.name) or os.environ.get(info.env_key)
        if not key:
            raise ConfigError(
                f"{info.env_key} is not set: export the {info.name} API key in the environment "
                "(never on the command line), or add --sandbox to run against the local sandbox"
            )
        headers = {h: os.environ[v] for v, h in info.env_headers if os.environ.get(v)}
        return ApiSettings(
            base_url=url,
            api_key=key,
            auth_header=info.auth_header,
            timeout=self.timeout,
            max_rps=self.max_rps,
            retry=self.retry,
            extra_headers=headers,
            transport=self.transport,
        )

    def configured(self) -> list[str]:
        """The registered providers whose API key is set (given, or in the environment)."""
        return [
            i.name for i in all_providers() if self.keys.get(i.name) or os.environ.get(i.env_key)
        ]

    def open(self, names: Iterable[str]) -> dict[str, AnyProvider]:
        """One provider instance per name; those on one API host share its rate limiter."""
        names = list(names)
        if self.api_url is not None:
            if len(names) > 1:
                variables = " and ".join(provider_named(n).env_url for n in names)
                raise ConfigError(
                    f"--api-url names one API, but this run uses {len(names)} providers "
                    f"({', '.join(names)}): set {variables} instead"
                )
            self.urls = {**self.urls, **{n: self.api_url for n in names}}
        providers: dict[str, AnyProvider] = {}
        for name in names:
            info = provider_named(name)
            cls = load_class(info)
            settings = self.settings_for(info)
            providers[name] = cls(settings, limiter=self.limiter_for(settings.base_url))
        return providers


def host_key(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url``, the port filled in from the scheme."""
    if plain_base(url.rstrip("/")):  # the usual base: no httpx needed
        parts = urllib.parse.urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        return (parts.scheme, parts.hostname or "", parts.port or default)
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return ("", url, 0)  # refused later, with its own message, by the client
    scheme = parsed.scheme.lower()
    port = parsed.port or (443 if scheme == "https" else 80)
    return (scheme, parsed.host.lower(), port)
