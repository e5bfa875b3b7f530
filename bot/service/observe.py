"""One place every served command passes through: counted, timed, logged, and tracked in
flight so a graceful stop can wait for it.

Platforms wrap each command in ``Observer.serving``; anything else a stop must let finish
(a recap post) in ``Observer.work``.
Log lines and metric labels carry the platform, the registered command name and the
outcome, never user text.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from prometheus_client import Counter, Histogram

from bot.core import messages
from bot.core.reply import Reply, ReplyKind
from bot.i18n.catalogs import N_
from bot.i18n.translator import translator
from bot.service import metrics

log = logging.getLogger("bot.commands")
DRAINING_TEXT = N_("The bot is restarting; please try again in a moment.")


def outcome_of(reply: Reply) -> str:
    if reply.kind is not ReplyKind.ERROR:
        return "ok"
    texts = [item.text for section in reply.sections for item in section.items]
    tr = translator(reply.lang)  # the reply says them in its own language
    if tr(messages.INTERNAL_ERROR) in texts:
        return "error"
    return "unavailable" if tr(messages.STORE_UNAVAILABLE) in texts else "usage_error"


@dataclass
class Served:
    platform: str
    command: str
    started: float = field(default_factory=time.perf_counter)
    outcome: str = "ok"

    def replied(self, reply: Reply) -> None:
        self.outcome = outcome_of(reply)


@dataclass
class Pressed:
    """A page button press being answered; ``outcome`` from metrics.PRESS_OUTCOMES."""

    platform: str
    command: str = ""
    outcome: str = "page"
    started: float = field(default_factory=time.perf_counter)


class Observer:
    def __init__(
        self, *, metrics_on: bool = True, logs_on: bool = True, commands: Collection[str] = ()
    ) -> None:
        self.metrics_on = metrics_on
        self.logs_on = logs_on
        self.commands = frozenset(commands)  # bounded labels: anything else is "unknown"
        self.draining = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._counters: dict[tuple[str, str, str], Counter] = {}
        self._histograms: dict[tuple[str, str], Histogram] = {}

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def label(self, command: str) -> str:
        return command if not self.commands or command in self.commands else "unknown"

    @asynccontextmanager
    async def work(self) -> AsyncIterator[None]:
        """Anything a graceful stop must let finish (a reply owed, a recap post)."""
        self._began()
        try:
            yield
        finally:
            self._ended()

    def _began(self) -> None:
        self._in_flight += 1
        self._idle.clear()

    def _ended(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self._idle.set()

    @asynccontextmanager
    async def serving(self, platform: str, command: str) -> AsyncIterator[Served]:
        served = Served(platform, self.label(command))
        try:
            async with self.work():
                yield served
        except BaseException:
            served.outcome = "error"
            raise
        finally:
            self.record(served)

    def limited(self, platform: str, command: str) -> None:
        """A command turned away because its sender is over their allowance."""
        self.record(Served(platform, self.label(command), outcome="rate_limited"))

    def pressing(self, platform: str) -> "Pressing":
        """One page button press: in flight for a graceful stop, counted, logged."""
        return Pressing(self, Pressed(platform))

    def record_press(self, pressed: "Pressed") -> None:
        seconds = time.perf_counter() - pressed.started
        command = self.label(pressed.command) if pressed.command else "unknown"
        if self.metrics_on:
            metrics.PRESSES.labels(pressed.platform, pressed.outcome).inc()
        if self.logs_on:
            log.info(
                "%s press /%s %s in %.1f ms",
                pressed.platform,
                command,
                pressed.outcome,
                seconds * 1000,
                extra={
                    "platform": pressed.platform,
                    "command": command,
                    "outcome": pressed.outcome,
                    "latency_ms": round(seconds * 1000, 2),
                },
            )

    def refused(self, platform: str, command: str) -> None:
        """A command that arrived while draining and was turned away."""
        served = Served(platform, self.label(command), outcome="refused_draining")
        self.record(served)

    def record(self, served: Served) -> None:
        seconds = time.perf_counter() - served.started
        if self.metrics_on:
            counted = (served.platform, served.command, served.outcome)
            counter = self._counters.get(counted)
            if counter is None:  # labels() resolves children by lock and dict: once per label set
                counter = self._counters[counted] = metrics.COMMANDS.labels(*counted)
            timed = (served.platform, served.command)
            histogram = self._histograms.get(timed)
            if histogram is None:
                histogram = self._histograms[timed] = metrics.REPLY_SECONDS.labels(*timed)
            counter.inc()
            histogram.observe(seconds)
        if self.logs_on:
            log.info(
                "%s /%s %s in %.1f ms",
                served.platform,
                served.command,
                served.outcome,
                seconds * 1000,
                extra={
                    "platform": served.platform,
                    "command": served.command,
                    "outcome": served.outcome,
                    "latency_ms": round(seconds * 1000, 2),
                },
            )

    async def drain(self, timeout: float) -> bool:
        """Stop taking new work; wait for what is in flight. True when all of it finished."""
        self.draining = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(
                "stopping with %d piece(s) of work unfinished after %.0f s",
                self._in_flight,
                timeout,
            )
            return False
        return True


class Pressing:
    """``Observer.pressing``: ``work`` and the count of a press, written out (a press costs
    less than two generator-based context managers would).
    """

    __slots__ = ("observer", "pressed")

    def __init__(self, observer: Observer, pressed: Pressed) -> None:
        self.observer = observer
        self.pressed = pressed

    async def __aenter__(self) -> Pressed:
        self.observer._began()  # noqa: SLF001 - the observer's own bookkeeping, spelled out
        return self.pressed

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.pressed.outcome = "expired"
        self.observer._ended()  # noqa: SLF001 - as in __aenter__
        self.observer.record_press(self.pressed)
