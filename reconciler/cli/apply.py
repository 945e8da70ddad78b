"""``reconciler apply``: plan, confirm, apply, verify; or apply a plan saved by ``plan --out``."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from reconciler import exitcodes
from reconciler.cli.options import (
    api_options,
    collect,
    connection,
    format_option,
    open_providers,
    rotate_option,
    use_color,
)
from reconciler.cli.plan import make_plan
from reconciler.cli.progress import applying_progress
from reconciler.errors import ConfigError
from reconciler.executor import ApplyReport, Executor, Result, unresolvable_secrets
from reconciler.journal import Journal
from reconciler.plan import Plan
from reconciler.plan_file import plan_from_data
from reconciler.providers.base import PlanOptions
from reconciler.render.table import Choices
from reconciler.render.table import render as render_as
from reconciler.render.text import render_text
from reconciler.safety import Rails, check
from reconciler.saved_plan import reconcile
from reconciler.workspace import load_workspace

if TYPE_CHECKING:  # rich only when a bar is drawn
    from reconciler.cli.progress_bar import TerminalProgress


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--auto-approve", is_flag=True, help="Apply without asking (needed without a TTY).")
@format_option
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False),
    help="Journal file (JSON lines) [default: .reconciler/journal/apply-*.jsonl].",
)
@click.option("--force", is_flag=True, help="Apply even when a safety rail refuses.")
@click.option(
    "--max-change-percent",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0, 100),
    help="Safety rail: refuse when more than this share of managed integrations "
    "(at least 10) would change.",
)
@click.option(
    "--max-disables",
    default=5,
    show_default=True,
    type=click.IntRange(0),
    help="Safety rail: refuse when more integrations than this would be disabled.",
)
@click.option(
    "--list-all",
    is_flag=True,
    help="Text report: list every integration with its steps, not only those that did not "
    "apply cleanly (JSON and Markdown always list all).",
)
@rotate_option
@api_options
def apply(
    paths: tuple[str, ...],
    auto_approve: bool,
    output_format: str,
    journal_path: str | None,
    force: bool,
    max_change_percent: float,
    max_disables: int,
    list_all: bool,
    rotate: tuple[str, ...],
    **kwargs: Any,
) -> int:
    """Apply the YAML to the account, verifying every change by reading it back.

    PATHS are YAML files/directories, or one plan file saved by 'plan --out'.

    \b
    Examples:
      reconciler apply integrations/ --sandbox
      reconciler plan integrations/ --out plan.json && reconciler apply plan.json --auto-approve
    """
    options = collect(kwargs)
    saved = _saved_plan(paths)
    workspace = load_workspace(saved.config_paths if saved else paths)
    if saved and workspace.fingerprint != saved.config_fingerprint:
        raise ConfigError(
            "the configuration changed since the plan was saved (fingerprint "
            f"{saved.config_fingerprint} → {workspace.fingerprint}); run 'reconciler plan "
            "--out' again"
        )
    if saved is not None and rotate:
        raise ConfigError(
            "--rotate-credentials goes with 'plan' when applying a saved plan: the plan file "
            "already says which credentials it rotates"
        )
    plan_options = PlanOptions(frozenset(saved.rotate_credentials if saved else rotate))
    with connection(options) as conn, open_providers(conn, workspace.desired) as providers:
        fresh = make_plan(workspace, providers, plan_options, options.parallelism)
        plan, stale = reconcile(saved, fresh) if saved is not None else (fresh, {})
        if not plan.has_changes:
            click.echo("No changes: the account matches the configuration.")
            return exitcodes.OK
        _can_confirm(auto_approve)  # a usage error comes before anything else
        missing = unresolvable_secrets(plan, stale.keys())
        if missing:
            raise ConfigError(missing)  # every unreadable reference at once; nothing sent
        # the plan goes to stderr when stdout carries JSON or Markdown; colour by that stream
        err = output_format != "text"
        shown = render_text(plan, color=use_color(sys.stderr if err else sys.stdout))
        click.echo(shown, nl=False, err=err, color=True)
        if not force:
            check(plan, Rails(max_change_percent / 100, 10, max_disables))
        _confirm(auto_approve)
        journal = Journal(journal_path or Journal.default_path())
        try:
            display = applying_progress(len(plan.pending))
            executor = Executor(
                providers,
                parallelism=options.parallelism,
                journal=journal,
                on_done=_on_done(display),
                retry=conn.retry,
            )
            # Ctrl-C is ours before the bar is drawn, and the bar is gone before it is not
            with _interruptible(executor, journal, display), display or contextlib.nullcontext():
                report = executor.apply(plan, stale)
        finally:
            journal.close()
    click.echo(_render_report(report, output_format, list_all), nl=False)
    return report.exit_code


def _on_done(display: TerminalProgress | None) -> Callable[[Result], None] | None:
    """The executor's callback that advances the display (names and counts only)."""
    if display is None:
        return None

    def on_done(result: Result) -> None:
        display.advance(f"{result.change.provider}: {result.change.key}")

    return on_done


@contextlib.contextmanager
def _interruptible(
    executor: Executor, journal: Journal, display: TerminalProgress | None = None
) -> Iterator[None]:
    """Ctrl-C while applying: the first stops new steps, the second exits at once (130).

    Why not click's default (KeyboardInterrupt → "Aborted." exit 1): changes were already
    sent, so the run must end with a report and an ``interrupted`` journal record. With a
    progress display, the first notice is printed above the bar, and the second Ctrl-C gives
    the cursor back before the process ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only (tests may apply from a worker)
        return
    presses = [0]

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        presses[0] += 1
        if presses[0] == 1:
            executor.interrupt()
            notice = (
                "Interrupted: no new step starts; waiting for the requests in flight "
                "(Ctrl-C again exits at once)."
            )
            if display is not None:
                display.note(notice)
            else:
                click.echo("\n" + notice, err=True)
            return
        if display is not None:
            display.abandon()
        journal.write_now("interrupted", summary="second Ctrl-C: exited at once")
        where = f"; see the journal {journal.path}" if journal.path else ""
        message = f"\nExited at once: requests in flight may or may not have taken effect{where}.\n"
        # Straight to the descriptor: the main thread may be inside a write to sys.stderr,
        # and a buffered write from its signal handler would be a reentrant call.
        with contextlib.suppress(OSError):
            os.write(2, message.encode("utf-8", "replace"))
        os._exit(exitcodes.INTERRUPTED)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _saved_plan(paths: tuple[str, ...]) -> Plan | None:
    if len(paths) != 1 or not paths[0].endswith(".json"):
        return None
    try:
        with open(paths[0], encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{paths[0]}: cannot read the saved plan ({exc})") from None
    return plan_from_data(data, paths[0])


def _can_confirm(auto_approve: bool) -> None:
    if not auto_approve and not sys.stdin.isatty():
        raise ConfigError(
            "apply changes live integrations: confirm on a terminal, or pass --auto-approve "
            "(as CI does)"
        )


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    _can_confirm(auto_approve)
    if not click.confirm("Apply these changes?", default=False, err=True):
        raise click.Abort()


def _render_report(report: ApplyReport, output_format: str, list_all: bool) -> str:
    return render_as("apply", output_format, report, Choices(list_all=list_all))
