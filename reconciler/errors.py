"""The one exception tree of reconciler.

Every error the tool expects is one of these; the CLI turns them into one clear message and an
exit code, never a traceback. Drawn as a tree (the httpx habit) so a reader sees what to catch::

    ReconcilerError
    ├── ConfigError            bad YAML / schema / cross-file / catalog problems (has .problems)
    │   └── SecretError        a secret reference that cannot be resolved (env unset, file missing)
    │   └── PlanError          the plan refuses (enabling while incomplete, unknown asset …)
    ├── SafetyError            a safety rail refused the apply (overridden by --force)
    └── ApiError               the vendor API answered badly or not at all
        ├── AuthError              401/403, wrong or missing key
        ├── NotFoundError          404, unknown id
        ├── RequestRejected        400/409/422: the vendor refused the body (permanent)
        ├── RateLimited            429 (temporary, has .retry_after)
        ├── ServerError            5xx (temporary)
        ├── MalformedResponse      not JSON, wrong shape, HTML error page (temporary)
        └── TransportError         timeout, refused or dropped connection (temporary)

``temporary`` errors may be retried; a retry of a non-idempotent call (a Create) is never blind.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReconcilerError(Exception):
    """Base of every error the tool expects and reports cleanly."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the configuration, located at ``file:line:column``."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" fails validation; "note" is reported and passes

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.message}"
        if self.severity == "note":
            text = f"{self.file}:{self.line}:{self.column}: note: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class ConfigError(ReconcilerError):
    """The desired-state configuration is invalid; holds every problem found, sorted."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            super().__init__(problems)
            return
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SecretError(ConfigError):
    """A secret reference could not be resolved; the message names it, never a value."""


class PlanError(ConfigError):
    """The planner refuses a change the vendor's rules forbid; each problem names the fix."""


class SafetyError(ReconcilerError):
    """A safety rail refused to apply a plan that changes too much at once."""


class ApiError(ReconcilerError):
    """The vendor API failed; carries what is safe to print (no secrets, truncated body)."""

    temporary = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        operation: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.operation = operation


class AuthError(ApiError):
    """The API key is missing, wrong, or lacks permission."""


class NotFoundError(ApiError):
    """The object does not exist (404)."""


class RequestRejected(ApiError):
    """The vendor refused the request body; repeating it will not help."""


class RateLimited(ApiError):
    """Too many requests; wait ``retry_after`` seconds before the next one."""

    temporary = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object):
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ApiError):
    """The vendor failed (5xx); the request may or may not have taken effect."""

    temporary = True


class MalformedResponse(ApiError):
    """The answer was not the JSON the vendor documents (HTML page, truncated, wrong types)."""

    temporary = True


class TransportError(ApiError):
    """No complete answer: timeout, refused or dropped connection."""

    temporary = True
