"""Readiness: each component says whether it can do its job now, and why not.

``GET /readyz`` asks every component; a platform, the database or the recap scheduler
plugs in by implementing ``Component``.
"""

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.service import metrics

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 2.0  # a component that cannot say within this is not ready


@dataclass(frozen=True)
class Readiness:
    ready: bool
    detail: dict[str, Any] = field(default_factory=dict)  # JSON-safe facts, safe to publish
    reason: str = ""  # why not ready, one short generic phrase (public: no path, user or host)
    cause: str = ""  # the specifics (an error, a path): shown on the operator listener only


class Component(Protocol):
    """A part of the running bot with a readiness to report (e.g. "discord", "database")."""

    name: str

    async def readiness(self) -> Readiness: ...


class SchedulerState(Protocol):
    """What the recap runner exposes about its loop (``last_beat`` is time.monotonic())."""

    @property
    def alive(self) -> bool: ...
    @property
    def next_wakeup(self) -> datetime | None: ...
    @property
    def last_beat(self) -> float | None: ...
    @property
    def problem(self) -> str | None: ...


class SchedulerComponent:
    """The recap scheduler is ready while alive and its loop beat recently."""

    name = "recaps"

    def __init__(self, state: SchedulerState, max_silence: float = 90.0) -> None:
        self.state = state
        self.max_silence = max_silence  # the loop wakes at least once a minute

    async def readiness(self) -> Readiness:
        state = self.state
        beat = state.last_beat
        since = None if beat is None else round(time.monotonic() - beat, 1)
        wake = state.next_wakeup
        detail = {
            "alive": state.alive,
            "next_wakeup": wake.isoformat() if wake is not None else None,
            "seconds_since_beat": since,
        }
        if not state.alive:
            return Readiness(ready=False, detail=detail, reason="scheduler not running")
        if since is not None and since > self.max_silence:
            return Readiness(
                ready=False, detail=detail, reason=f"scheduler silent for {since:.0f} s"
            )
        if state.problem:  # e.g. a database error: its text is for operators only
            return Readiness(
                ready=False,
                detail=detail,
                reason="scheduler reports a problem",
                cause=state.problem,
            )
        return Readiness(ready=True, detail=detail)


def json_number(value: float) -> float | None:
    """JSON has no infinity: an unknown latency is null."""
    return None if math.isinf(value) or math.isnan(value) else round(value, 4)


async def check_all(components: list[Component]) -> dict[str, Readiness]:
    async def one(component: Component) -> Readiness:
        try:
            return await asyncio.wait_for(component.readiness(), CHECK_TIMEOUT)
        except TimeoutError:
            return Readiness(ready=False, reason="readiness check timed out")
        except Exception as error:  # a broken check must not break /readyz
            log.exception("readiness check of %s failed", component.name)
            return Readiness(ready=False, reason=f"check failed: {type(error).__name__}")

    results = await asyncio.gather(*(one(c) for c in components))
    for component, result in zip(components, results, strict=True):
        metrics.READY.labels(component=component.name).set(1 if result.ready else 0)
    return {c.name: r for c, r in zip(components, results, strict=True)}
