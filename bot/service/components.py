"""Readiness of the parts every serving mode has: content, database, recap scheduler."""

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bot.content.store import ContentStore
from bot.core.freshness import as_of
from bot.service.readiness import Readiness, SchedulerComponent, SchedulerState

DATABASE_CHECK_SECONDS = 5.0


class ContentComponent:
    """Content always serves (a broken edit keeps the last good version); readiness says
    which version, as of when, and whether an edit is waiting to be fixed."""

    name = "content"

    def __init__(self, store: ContentStore, today: Callable[[], date]) -> None:
        self.store, self.today = store, today

    def age_days(self) -> float:
        stamp = as_of(self.store.current.sources.values())
        return float((self.today() - stamp.date).days) if stamp else 0.0

    async def readiness(self) -> Readiness:
        stamp = as_of(self.store.current.sources.values())
        return Readiness(True, {"version": self.store.version,
                                "as_of": stamp.date.isoformat() if stamp else None,
                                "age_days": self.age_days(),
                                "reload_problems": len(self.store.last_problems)})


def ping_sqlite(path: Path) -> None:
    """Blocking: run it in a thread. Raises sqlite3 errors when the file is unusable."""
    # mode=rw: never create a missing file (that would hide a wrong or vanished path).
    with sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=2) as connection:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    connection.close()


class DatabaseComponent:
    """The database answers a trivial query (off the event loop)."""

    name = "database"

    def __init__(self, ping: Callable[[], None]) -> None:
        self.ping = ping
        self.problem: str | None = None

    async def readiness(self) -> Readiness:
        try:
            await asyncio.to_thread(self.ping)
        except (sqlite3.Error, OSError) as error:
            return Readiness(False, {"reachable": False}, f"database unreachable: {error}")
        return Readiness(True, {"reachable": True})

    async def watch(self) -> None:
        """Supervised: an unusable database raises, and the supervisor turns that into a stop."""
        while True:
            await asyncio.to_thread(self.ping)
            await asyncio.sleep(DATABASE_CHECK_SECONDS)


class _TaskOnly:
    """Scheduler state for a runner that exposes none: alive while its task runs."""

    def __init__(self, alive: Callable[[], bool]) -> None:
        self._alive = alive

    @property
    def alive(self) -> bool:
        return self._alive()

    next_wakeup: Any = None
    last_beat: float | None = None
    problem: str | None = None


def scheduler_component(runner: Any, task_alive: Callable[[], bool]) -> SchedulerComponent:
    """The recap runner's own state when it has one (alive, next_wakeup, last_beat, problem)."""
    if all(hasattr(runner, a) for a in ("alive", "next_wakeup", "last_beat", "problem")):
        state: SchedulerState = runner
    else:
        state = _TaskOnly(task_alive)
    return SchedulerComponent(state)
