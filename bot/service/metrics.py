"""Prometheus metrics, module-level in the default registry (one per process).

Labels are bounded: platform, a registered command name (or "unknown"), an outcome from a
fixed set, a task or component name. Never user text.
"""

import platform as _platform
from importlib import metadata

from prometheus_client import Counter, Gauge, Histogram, Info

PREFIX = "casebrief"
# "unavailable": a command whose store did not answer (e.g. /recap while the database is down).
COMMAND_OUTCOMES = (
    "ok",
    "usage_error",
    "error",
    "unavailable",
    "refused_draining",
    "rate_limited",
)
HTTP_REFUSALS = ("per_client", "full", "evicted", "slow", "request_timeout", "out_of_files")
# A page button press: the page asked for, the current page of newer content, a private page
# (the message was changed), a private "expired" (forged, malformed, gone, out of range).
PRESS_OUTCOMES = ("page", "updated", "private", "expired", "rate_limited", "refused_draining")
RECAP_OUTCOMES = ("sent", "retried", "failed", "skipped")

COMMANDS = Counter(
    f"{PREFIX}_commands", "Slash commands served", ["platform", "command", "outcome"]
)
REPLY_SECONDS = Histogram(
    f"{PREFIX}_reply_seconds",
    "From receiving a command to handing back its reply",
    ["platform", "command"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
)
PRESSES = Counter(
    f"{PREFIX}_button_presses", "Page buttons pressed, by outcome", ["platform", "outcome"]
)
RECAP_DELIVERIES = Counter(f"{PREFIX}_recap_deliveries", "Recap deliveries by outcome", ["outcome"])
# Corrections in place (issue 18): posts edited, answered in their thread, skipped (deleted,
# too old), failed; channels paused (an edit refused).
CORRECTIONS = Counter(f"{PREFIX}_corrections", "Corrections in place by outcome", ["outcome"])
CORRECTION_OUTCOMES = ("edited", "answered", "skipped", "failed", "paused")


def record_correction(outcome: str) -> None:
    CORRECTIONS.labels(outcome=outcome if outcome in CORRECTION_OUTCOMES else "failed").inc()


RATE_LIMITED = Counter(
    f"{PREFIX}_rate_limited", "HTTP 429 responses met from a chat platform", ["platform"]
)
LOOP_LAG = Histogram(
    f"{PREFIX}_event_loop_lag_seconds",
    "How late the event loop woke a sleeping task",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
CONTENT_AGE_DAYS = Gauge(f"{PREFIX}_content_age_days", "Days since the newest source's date")
CONTENT_VERSION = Gauge(
    f"{PREFIX}_content_version_recorded",
    "Number of the content version serving, as recorded in the database (0: not recorded yet)",
)
CONTENT_VERSION_UNRECORDED = Gauge(
    f"{PREFIX}_content_version_unrecorded",
    "1 while the content serving is not recorded: its corrections refused, or the database down",
)
READY = Gauge(f"{PREFIX}_component_ready", "1 when a component is ready, else 0", ["component"])
TASK_RESTARTS = Counter(
    f"{PREFIX}_task_restarts", "Supervised tasks restarted after a crash", ["task"]
)
HTTP_CONNECTIONS = Gauge(
    f"{PREFIX}_http_connections", "Open connections to an HTTP listener", ["listener"]
)
HTTP_REFUSED = Counter(
    f"{PREFIX}_http_refused",
    "Connections refused or closed by an HTTP listener's limits, by reason (HTTP_REFUSALS)",
    ["listener", "reason"],
)
BUILD = Info(f"{PREFIX}_build", "Version of the bot and of Python")


def _version() -> str:
    try:
        return metadata.version("case-brief-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


BUILD.info({"version": _version(), "python": _platform.python_version()})


def record_recap_delivery(outcome: str) -> None:
    """One recap delivery's outcome, RECAP_OUTCOMES."""
    RECAP_DELIVERIES.labels(outcome=outcome if outcome in RECAP_OUTCOMES else "failed").inc()


def record_rate_limited(platform: str) -> None:
    RATE_LIMITED.labels(platform=platform).inc()


class RecapMetrics:
    """The recap service's observer (``RecapService.attach(observer=...)``): its counters."""

    def delivered(self, outcome: str) -> None:
        record_recap_delivery(outcome)

    def rate_limited(self, platform: str) -> None:
        record_rate_limited(platform)


# --- issue 19: intake ---------------------------------------------------------------------
# Labelled by feed: only the configured feeds (SOURCE_FEEDS), courtlistener:<docket> of
# COURTLISTENER_DOCKETS and "on-demand" (/brief add) ever appear.
INTAKE_POLLS = Counter(
    f"{PREFIX}_intake_polls", "Feed and docket polls, by outcome", ["feed", "outcome"]
)
INTAKE_ITEMS = Counter(f"{PREFIX}_intake_items", "Items read from a changed feed", ["feed"])
INTAKE_CANDIDATES = Counter(f"{PREFIX}_intake_candidates", "New candidates kept", ["feed"])
INTAKE_FAILURES = Counter(
    f"{PREFIX}_intake_failures", "Feed polls and items that failed (each logged)", ["feed"]
)


class IntakeMetrics:
    """The intake's observer (bot.intake.service.IntakeObserver): its counters."""

    def __init__(self, feeds: list[str]) -> None:
        self.feeds = frozenset(feeds)

    def _label(self, feed: str) -> str:
        return feed if feed in self.feeds else "on-demand"

    def polled(self, feed: str, outcome: str) -> None:
        INTAKE_POLLS.labels(feed=self._label(feed), outcome=outcome).inc()
        if outcome == "failed":
            INTAKE_FAILURES.labels(feed=self._label(feed)).inc()

    def items(self, feed: str, count: int) -> None:
        INTAKE_ITEMS.labels(feed=self._label(feed)).inc(count)

    def candidate(self, feed: str) -> None:
        INTAKE_CANDIDATES.labels(feed=self._label(feed)).inc()

    def failed(self, feed: str) -> None:
        INTAKE_FAILURES.labels(feed=self._label(feed)).inc()
