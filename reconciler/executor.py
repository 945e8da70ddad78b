"""Apply a plan: steps of one integration in order, integrations concurrently, every step read
back and verified; a Create is never repeated blindly.

Why the executor knows no vendor: sending, reading back, verifying and rechecking are provider
methods; this module owns ordering, concurrency, the create-adoption rule, outcomes and the
journal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.errors import ApiError, Problem, RateLimited, ReconcilerError, SecretError
from reconciler.http import RetryPolicy
from reconciler.journal import Journal
from reconciler.model import SecretRef, secret_refs
from reconciler.plan import Change, Plan, Step
from reconciler.providers.base import Adopts, AnyProvider, Mismatch, Rechecks
from reconciler.redaction import register_secret

Outcome = Literal["applied", "altered", "failed", "stale", "interrupted"]
OUTCOMES: tuple[Outcome, ...] = ("applied", "altered", "failed", "stale", "interrupted")
NOT_STARTED = "not started: the run was interrupted (Ctrl-C)"


@dataclass
class StepResult:
    """What became of one step: sent and verified, altered, failed, or not sent."""

    step: Step
    status: Literal["verified", "altered", "failed", "skipped"]
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None
    adopted: bool = False


@dataclass
class Result:
    """What became of one integration."""

    change: Change
    outcome: Outcome
    id: str | None
    steps: list[StepResult] = field(default_factory=list)
    message: str | None = None
    sent: bool = False  # some write of this integration went out


@dataclass
class ApplyReport:
    """Every integration's outcome, in plan order, and where the journal is."""

    results: list[Result]
    journal_path: str | None = None
    interrupted: bool = False  # Ctrl-C: steps not started are reported ``interrupted``

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def exit_code(self) -> int:
        from reconciler import exitcodes

        if self.interrupted:
            return exitcodes.INTERRUPTED
        if any(r.outcome == "failed" for r in self.results) and not self.sent:
            return exitcodes.ERROR  # nothing reached the account
        if any(r.outcome in ("failed", "stale") for r in self.results):
            return exitcodes.PARTIAL
        if any(r.outcome == "altered" for r in self.results):
            return exitcodes.ALTERED
        return exitcodes.OK

    @property
    def sent(self) -> bool:
        """Whether any write went out in this run."""
        return any(r.sent for r in self.results)

    def summary_line(self) -> str:
        line = (
            f"{self.count('applied')} applied, {self.count('altered')} altered, "
            f"{self.count('failed')} failed, {self.count('stale')} stale"
        )
        if self.count("interrupted"):
            line += f", {self.count('interrupted')} interrupted"
        return line


def resolve_secrets(body: Any, owner: str, path: str = "") -> Any:
    """A copy of ``body`` with each SecretRef read now and registered for scrubbing."""
    if isinstance(body, SecretRef):
        value = body.resolve(owner=owner, field_name=body.label or path or "credentials")
        register_secret(value)
        return value
    if isinstance(body, Mapping):
        # the provider labels its references; a dotted path in the body is the fallback
        return {
            k: resolve_secrets(v, owner, f"{path}.{k}" if path else str(k)) for k, v in body.items()
        }
    if isinstance(body, list | tuple):
        return [resolve_secrets(v, owner, path) for v in body]
    return body


def unresolvable_secrets(plan: Plan, skip: Collection[tuple[str, str]] = ()) -> list[Problem]:
    """Every secret reference the pending changes would send that cannot be read now.

    Why before the first request: a missing variable found halfway through an apply leaves
    the account half changed; found first, nothing is sent. ``skip`` holds the (provider,
    name) of changes that will not run (stale). Each reference is reported once, at its
    ``file:line``; values read are registered for scrubbing and never shown.
    """
    problems: dict[tuple[str, int, int, str], Problem] = {}
    for change in plan.pending:
        if (change.provider, change.key) in skip:
            continue
        for step in change.steps:
            try:
                resolve_secrets(step.body, owner=change.key)
                continue
            except SecretError:
                pass
            # one at a time, so that every bad reference of the step is listed, not the first
            for ref in secret_refs(step.body):
                try:
                    register_secret(ref.resolve(owner=change.key, field_name=_field(step, ref)))
                except SecretError as exc:
                    for problem in exc.problems:
                        key = (problem.file, problem.line, problem.column, problem.message)
                        problems.setdefault(key, problem)
    return sorted(problems.values())


def _field(step: Step, ref: SecretRef) -> str:
    """The name resolve_secrets gives ``ref`` inside ``step``'s body (for the message)."""
    found: list[str] = []

    def walk(body: Any, path: str) -> None:
        if body is ref:
            found.append(path or "credentials")
        elif isinstance(body, Mapping):
            for key, value in body.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(body, list | tuple):
            for value in body:
                walk(value, path)

    if ref.label:
        return ref.label
    walk(step.body, "")
    return found[0] if found else "credentials"


class Executor:
    """Runs the pending changes of a plan against open providers.

    ``on_done`` is the observer hook (a progress display): called once per pending change
    with its Result as soon as it is done, from the worker thread that did it, in completion
    order. It must be quick and thread-safe; an exception from it silences it, never the apply.
    """

    def __init__(
        self,
        providers: Mapping[str, AnyProvider],
        *,
        parallelism: int = 8,
        journal: Journal | None = None,
        on_done: Callable[[Result], None] | None = None,
        retry: RetryPolicy | None = None,
    ):
        self.providers = providers
        self.retry = retry or RetryPolicy()
        self.parallelism = max(1, parallelism)
        self.journal = journal or Journal(None)
        self.on_done = on_done
        self.stop = threading.Event()

    def interrupt(self) -> None:
        """Start no new step (Ctrl-C); steps in flight finish, with their read-back."""
        self.stop.set()

    def apply(self, plan: Plan, stale: Mapping[tuple[str, str], str] | None = None) -> ApplyReport:
        """Apply every pending change; ``stale`` maps (provider, name) to why it is skipped.

        The journal always ends with ``finish`` or ``interrupted``, whatever happens.
        """
        stale = stale or {}
        pending = list(plan.pending)
        self.journal.write("start", changes=len(pending))
        results: list[Result] = []

        def run(change: Change) -> Result:
            key = (change.provider, change.key)
            if key in stale:
                result = Result(change, "stale", change.id, message=stale[key])
                self.journal.write(
                    "stale", provider=change.provider, integration=change.key, reason=stale[key]
                )
            elif self.stop.is_set():
                result = Result(change, "interrupted", change.id, message=NOT_STARTED)
                result.steps = [StepResult(s, "skipped") for s in change.steps]
            else:
                result = self._guarded(change)
            self._tell(result)
            return result

        last = "interrupted"
        try:
            with ThreadPoolExecutor(max_workers=self.parallelism) as pool:
                results = list(pool.map(run, pending))
            report = ApplyReport(results, self.journal.path, interrupted=self.stop.is_set())
            last = "interrupted" if report.interrupted else "finish"
        finally:
            summary = ApplyReport(results, self.journal.path).summary_line() if results else None
            self.journal.write(last, summary=summary or "no result (the run was cut short)")
        return report

    def _tell(self, result: Result) -> None:
        """Hand ``result`` to ``on_done``. Why an observer's error is swallowed: changes are
        being sent; a broken display (a closed terminal) must not cut the run short, leaving
        the account half changed and no report."""
        observer = self.on_done
        if observer is None:
            return
        try:
            observer(result)
        except Exception:
            self.on_done = None  # told once is enough: the display is gone

    # -- one integration ------------------------------------------------------------------
    def _guarded(self, change: Change) -> Result:
        """Run one change; any error of a provider fails this integration, never the others."""
        try:
            return self._run_change(change)
        except Exception as exc:  # a bug in one provider must not stop the rest
            message = f"internal error while applying: {type(exc).__name__}: {exc}"
            self.journal.write(
                "failed", integration=change.key, provider=change.provider, error=message
            )
            result = Result(change, "failed", change.id, message=message)
            result.steps = [StepResult(s, "skipped") for s in change.steps]
            return result

    def _run_change(self, change: Change) -> Result:
        provider = self.providers[change.provider]
        result = Result(change, "applied", change.id)
        moved = self._moved_since_plan(provider, change)
        if moved is not None:
            result.outcome = "stale"
            result.message = moved
            result.steps = [StepResult(s, "skipped") for s in change.steps]
            self.journal.write(
                "stale", provider=change.provider, integration=change.key, reason=moved
            )
            return result
        for index, step in enumerate(change.steps):
            if self.stop.is_set():
                result.outcome = "interrupted"
                result.message = f"interrupted (Ctrl-C) after {index} of {len(change.steps)} steps"
                result.steps += [StepResult(s, "skipped") for s in change.steps[index:]]
                return result
            try:
                outcome = self._run_step(provider, change, step, result)
            except Exception as exc:  # see _guarded
                message = f"internal error: {type(exc).__name__}: {exc}"
                self._logger(change, step)("failed", error=message)
                result.message = f"{step.operation} ({step.purpose}) failed: {message}"
                outcome = StepResult(step, "failed", error=message)
            result.steps.append(outcome)
            if outcome.status != "verified":
                result.outcome = "altered" if outcome.status == "altered" else "failed"
                result.steps += [StepResult(s, "skipped") for s in change.steps[index + 1 :]]
                return result
        return result

    def _moved_since_plan(self, provider: AnyProvider, change: Change) -> str | None:
        """Why not to write: the integration changed live since the plan read it (one Get).

        Why just before the first write: another run or a person may have edited it while
        this run was planned or confirmed; writing then would undo their change unseen. Later
        steps need no extra read: the read-back of each step is verified before the next.
        A create has no live state to compare (its adoption rule covers a twin).
        """
        if change.action != "update" or change.id is None or change.live_fingerprint is None:
            return None
        try:
            now = provider.fingerprint(provider.get_live(change.id))
        except ReconcilerError as exc:
            return f"cannot read it before the first write ({exc}); nothing was sent"
        if now == change.live_fingerprint:
            return None
        return (
            f"changed live since the plan was made (fingerprint {change.live_fingerprint} → "
            f"{now}): another run or a person changed it; nothing was sent (plan again)"
        )

    def _run_step(
        self, provider: AnyProvider, change: Change, step: Step, result: Result
    ) -> StepResult:
        log = self._logger(change, step)
        try:
            if step.recheck and isinstance(provider, Rechecks):
                reasons = provider.recheck(step, provider.get_live(_need(result.id)))
                if reasons:
                    message = "; ".join(reasons)
                    result.message = f"stopped before {step.purpose}: {message}"
                    log("refused", error=message)
                    return StepResult(step, "failed", error=message)
            body = resolve_secrets(step.body, owner=change.key)
            if change.action == "create" and result.id is None:
                result.id, adopted = self._create(provider, change, step, body, log, result)
            else:
                target = _need(result.id)
                log("send", id=result.id)
                _send(provider, step, body, target, result)
                adopted = False
            mismatches = provider.verify(step, provider.get_live(_need(result.id)))
        except SecretError as exc:
            result.message = str(exc)
            log("failed", error=str(exc))
            return StepResult(step, "failed", error=str(exc))
        except ReconcilerError as exc:
            result.message = f"{step.operation} ({step.purpose}) failed: {exc}"
            log("failed", error=str(exc))
            return StepResult(step, "failed", error=str(exc))
        if mismatches:
            result.message = "the read-back differs: " + ", ".join(m.path for m in mismatches)
            log("altered", mismatches=[m.__dict__ for m in mismatches])
            return StepResult(step, "altered", mismatches, adopted=adopted)
        log("verified", id=result.id, adopted=adopted)
        return StepResult(step, "verified", adopted=adopted)

    def _create(
        self,
        provider: AnyProvider,
        change: Change,
        step: Step,
        body: Mapping[str, Any],
        log: Callable[..., None],
        result: Result,
    ) -> tuple[str, bool]:
        """Create once; after an ambiguous failure, adopt the object if it exists, else retry."""
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            log("send", attempt=attempt)
            try:
                new_id = _send(provider, step, body, None, result)
                assert new_id is not None
                return new_id, False
            except ApiError as exc:
                if not exc.temporary:
                    raise
                log("ambiguous", error=str(exc), attempt=attempt)
                if not isinstance(provider, Adopts):  # sending again could make a twin
                    exc.args = (
                        f"{exc}; it may have been created, and the {change.provider} provider "
                        "cannot look it up: check the account before applying again",
                    )
                    raise
                existing = provider.find_by_key(change.key)
                if existing is not None:
                    log("adopted", id=existing)
                    return existing, True
                if attempt == attempts:
                    raise
                time.sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _logger(self, change: Change, step: Step) -> Callable[..., None]:
        def log(event: str, **fields: Any) -> None:
            self.journal.write(
                event,
                provider=change.provider,
                integration=change.key,
                operation=step.operation,
                method=step.method,
                path=step.path,
                purpose=step.purpose,
                body=step.body,
                **fields,
            )

        return log


def _send(
    provider: AnyProvider,
    step: Step,
    body: Mapping[str, Any],
    object_id: str | None,
    result: Result,
) -> str | None:
    """Send one step, noting on ``result`` whether the write may have reached the account:
    answered, or lost on the way back (a 5xx, a timeout); a refusal or 429 changed nothing."""
    try:
        answer = provider.send(step, body, object_id)
    except ApiError as exc:
        if exc.temporary and not isinstance(exc, RateLimited):
            result.sent = True
        raise
    result.sent = True
    return answer


def _need(object_id: str | None) -> str:
    if object_id is None:
        raise ReconcilerError("no integration id: the create step did not succeed")
    return object_id
