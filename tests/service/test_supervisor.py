"""Supervision: a crash is logged with its traceback and the task restarts; a fatal error stops
all.
"""

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.serve import watch_content
from bot.service.supervisor import Backoff, Fatal, Restart, Supervisor, as_fatal

QUICK = Backoff(first=0.01, cap=0.05)


async def test_a_crashing_task_is_logged_with_its_traceback_and_restarted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []
    steady = asyncio.Event()

    async def flaky() -> None:
        runs.append(1)
        if len(runs) < 3:
            msg = "boom"
            raise RuntimeError(msg)
        steady.set()
        await asyncio.Event().wait()

    supervisor = Supervisor(on_fatal=lambda error: pytest.fail(str(error)), backoff=QUICK)
    supervisor.supervise("flaky", flaky)
    await asyncio.wait_for(steady.wait(), 5)
    assert supervisor.restarts["flaky"] == 2
    assert supervisor.running("flaky")
    crashes = [r for r in caplog.records if "task flaky crashed" in r.getMessage()]
    assert len(crashes) == 2
    assert crashes[0].exc_info
    assert "boom" in str(crashes[0].exc_info[1])
    await supervisor.stop()
    assert not supervisor.running("flaky")


async def test_a_fatal_error_is_reported_once_and_not_retried() -> None:
    runs: list[int] = []
    reported: list[Fatal] = []

    async def doomed() -> None:
        runs.append(1)
        msg = "Invalid setting DISCORD_TOKEN: rejected"
        raise Fatal(msg)

    supervisor = Supervisor(on_fatal=reported.append, backoff=QUICK)
    supervisor.supervise("doomed", doomed)
    await asyncio.sleep(0.2)
    assert runs == [1]
    assert [str(f) for f in reported] == ["Invalid setting DISCORD_TOKEN: rejected"]
    await supervisor.stop()


async def test_a_content_watcher_that_raises_is_restarted(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before supervision the watcher task died on its first exception and edits went unseen."""
    calls: list[int] = []

    def reload_if_changed() -> None:
        calls.append(1)
        if len(calls) == 1:
            msg = "summaries folder briefly unreadable"
            raise OSError(msg)

    monkeypatch.setattr(dispatcher.store, "reload_if_changed", reload_if_changed)
    supervisor = Supervisor(on_fatal=lambda error: pytest.fail(str(error)), backoff=QUICK)
    supervisor.supervise("content-watcher", lambda: watch_content(dispatcher, 0.01))
    for _ in range(200):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    await supervisor.stop()
    assert len(calls) >= 3
    assert supervisor.restarts["content-watcher"] == 1
    assert any(
        "content-watcher crashed" in r.getMessage() and r.levelno == logging.ERROR
        for r in caplog.records
    )


def test_an_unusable_database_is_fatal_but_a_locked_one_is_not(tmp_path: Path) -> None:
    garbage = tmp_path / "db.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError) as raised:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master").fetchall()
    fatal = as_fatal(raised.value)
    assert fatal is not None
    assert str(fatal).startswith("Invalid setting DATABASE_URL:")
    assert as_fatal(sqlite3.OperationalError("database is locked")) is None
    assert as_fatal(RuntimeError("anything else")) is None


def test_backoff_grows_is_capped_and_jittered() -> None:
    backoff = Backoff(first=1, cap=8)
    delays = [backoff.delay(n) for n in range(1, 8)]
    assert 0.5 <= delays[0] <= 1
    assert all(d <= 8 for d in delays)
    assert 4 <= delays[-1] <= 8
    assert len({backoff.delay(6) for _ in range(20)}) > 1


async def test_a_routine_end_is_one_warning_line_and_a_restart(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A dropped connection (Restart) is expected: no traceback, still restarted."""
    runs: list[int] = []
    steady = asyncio.Event()

    async def connection() -> None:
        runs.append(1)
        if len(runs) == 1:
            msg = "the gateway closed (code 4000)"
            raise Restart(msg)
        steady.set()
        await asyncio.Event().wait()

    supervisor = Supervisor(on_fatal=lambda error: pytest.fail(str(error)), backoff=QUICK)
    supervisor.supervise("gateway", connection)
    await asyncio.wait_for(steady.wait(), 5)
    [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.getMessage() == "task gateway stopped: the gateway closed (code 4000); restarting"
    assert not line.exc_info
    assert supervisor.restarts["gateway"] == 1
    await supervisor.stop()
