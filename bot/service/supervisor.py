"""Supervision of long-running tasks: restart on crashes, stop the process on fatal errors.

A crash is logged at once with its traceback and the task restarts after a capped,
jittered exponential backoff. A failure restarting cannot heal (a rejected token,
privileged intents required, an unusable database) raises ``Fatal``: the supervisor stops
everything and the process exits with ``FATAL_EXIT`` after one line on stderr.
"""

import asyncio
import logging
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.service import metrics

log = logging.getLogger(__name__)
FATAL_EXIT = 3  # exit code: a failure at run time that restarting cannot heal
# SQLite errors that mean the file itself is unusable (not "database is locked").
_UNUSABLE_DATABASE = (
    "file is not a database",
    "unable to open database file",
    "database disk image is malformed",
    "attempt to write a readonly database",
)


class Fatal(Exception):
    """A failure restarting cannot heal; its message is the one line the operator sees."""


class Restart(Exception):
    """A routine end that restarting heals (a dropped connection): one WARNING line with the
    message, no traceback, then the usual backoff.
    """


@dataclass(frozen=True)
class Backoff:
    first: float = 1.0
    cap: float = 60.0
    healthy_after: float = 60.0  # a task that ran this long starts its backoff afresh

    def delay(self, attempt: int) -> float:
        """Exponential, capped, with jitter (half to full) so restarts do not stampede."""
        ceiling = min(self.cap, self.first * 2 ** max(0, attempt - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


def as_fatal(error: BaseException) -> Fatal | None:
    """The errors no restart can heal, as a one-line Fatal; None for everything else."""
    if isinstance(error, Fatal):
        return error
    if (
        isinstance(error, sqlite3.DatabaseError)
        and not isinstance(error, sqlite3.IntegrityError)
        and any(text in str(error) for text in _UNUSABLE_DATABASE)
    ):
        return Fatal(f"Invalid setting DATABASE_URL: the database is unusable ({error})")
    return None


class Supervisor:
    """Runs named coroutines, restarting each on an unexpected exception or return."""

    def __init__(self, on_fatal: Callable[[Fatal], None], backoff: Backoff = Backoff()) -> None:
        self._on_fatal = on_fatal
        self._backoff = backoff
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.restarts: dict[str, int] = {}
        self._up: set[str] = set()  # names whose coroutine is running now (not waiting to restart)

    def supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self.restarts[name] = 0
        self._tasks[name] = asyncio.create_task(
            self._keep_running(name, run), name=f"supervised:{name}"
        )

    def running(self, name: str) -> bool:
        return name in self._up

    async def _keep_running(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        attempt = 0
        while True:
            started = time.monotonic()
            self._up.add(name)
            try:
                await run()
                log.error("task %s ended unexpectedly; restarting", name)
            except asyncio.CancelledError:
                raise
            except Restart as restart:
                log.warning("task %s stopped: %s; restarting", name, restart)
            except Exception as error:
                fatal = as_fatal(error)
                if fatal is not None:
                    log.critical("task %s failed for good: %s", name, fatal)
                    self._on_fatal(fatal)
                    return
                log.exception("task %s crashed; restarting", name)
            finally:
                self._up.discard(name)
            if time.monotonic() - started >= self._backoff.healthy_after:
                attempt = 0
            attempt += 1
            self.restarts[name] += 1
            metrics.TASK_RESTARTS.labels(task=name).inc()
            delay = self._backoff.delay(attempt)
            log.info("restarting task %s in %.1f s", name, delay)
            await asyncio.sleep(delay)

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
