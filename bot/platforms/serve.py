"""``python -m bot run`` with chat credentials: every configured platform in one process.

One HTTP server (``/healthz``, ``/readyz``, ``/metrics``, Slack's events in HTTP mode, and
any ``extra_routes``) on HOST:PORT. Every long-running task runs under a Supervisor: a
crash is logged and the task restarts with backoff; a failure no restart can heal stops
the process with one line and exit code 3. SIGTERM or Ctrl-C: new work is turned away,
in-flight replies and posts get STOP_WITHIN_SECONDS to finish, then exit 0. Edited
content is reloaded in the background; a broken edit is logged and the last good content
keeps serving.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from aiohttp import web

from bot.core.dispatch import Dispatcher
from bot.logs import say
from bot.platforms.errors import StartError
from bot.platforms.intake import build_intake
from bot.recaps.posting import Poster
from bot.recaps.service import RecapService
from bot.service import metrics
from bot.service.components import ContentComponent, DatabaseComponent
from bot.service.heap import startup_heap_frozen
from bot.service.http import HttpServer, Mount, build_http_app, build_ops_app
from bot.service.intake import IntakeComponent
from bot.service.lag import watch_loop_lag
from bot.service.listener import OPS_LIMITS, Limits, raise_open_files_limit
from bot.service.observe import Observer
from bot.service.readiness import Component, Readiness, SchedulerComponent
from bot.service.supervisor import FATAL_EXIT, Fatal, Supervisor
from bot.settings import Settings
from bot.updates.corrections import Corrections, keep_correcting, skipped_lines
from bot.updates.history import CachedChanges
from bot.updates.recorder import VersionRecorder, keep_recorded
from bot.updates.versions import VersionChanges
from bot.web.changes import HistorySource
from bot.web.server import add_web_routes

if TYPE_CHECKING:
    from bot.recaps.runner import RecapRunner

log = logging.getLogger(__name__)
STOP_WITHIN_SECONDS = 10.0


class Runner(Protocol):
    """A chat platform: set up in ``start``, long-running work in ``tasks`` (supervised)."""

    name: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def tasks(self) -> dict[str, Callable[[], Awaitable[None]]]: ...
    def mounts(self) -> list[Mount]: ...
    async def readiness(self) -> Readiness: ...
    def poster(self) -> Poster:
        """Its recap poster: built before ``start``, posting once ``start`` has run."""


def build_runners(
    settings: Settings, dispatcher: Dispatcher[RecapService], observer: Observer
) -> list[Runner]:
    runners: list[Runner] = []
    if settings.slack_configured:
        from bot.platforms.slack.runner import SlackRunner  # noqa: PLC0415 - configured only

        runners.append(SlackRunner(settings, dispatcher, observer=observer, own_server=False))
    if settings.discord_configured:
        from bot.platforms.discord.runner import DiscordRunner  # noqa: PLC0415 - configured only

        runners.append(DiscordRunner(settings, dispatcher, observer=observer, supervised=True))
    return runners


def wake_on_new_version(runner: "RecapRunner") -> Callable[[VersionChanges], Awaitable[None]]:
    """The recap loop looks for due update posts as soon as a version is recorded (they go
    out once the content has been quiet for UPDATE_QUIET_SECONDS).
    """

    async def wake(_changes: VersionChanges) -> None:
        runner.wake()

    return wake


async def watch_content(dispatcher: Dispatcher, every_seconds: float) -> None:
    while True:
        await asyncio.sleep(every_seconds)
        await asyncio.to_thread(dispatcher.store.reload_if_changed)


async def serve_until_stopped(
    settings: Settings,
    dispatcher: Dispatcher[RecapService],
    stop: asyncio.Event,
    *,
    observer: Observer | None = None,
    extra_routes: Sequence[Mount] = (),
) -> Fatal | None:
    """Serve until ``stop`` is set or a task fails for good; returns that failure, if any."""
    observer = observer or Observer(commands=[c.name for c in dispatcher.registry])
    fatal: list[Fatal] = []

    def on_fatal(error: Fatal) -> None:
        fatal.append(error)
        stop.set()

    supervisor = Supervisor(on_fatal)
    runners = build_runners(settings, dispatcher, observer)
    recaps = dispatcher.services.recap_service
    database = DatabaseComponent(recaps.ready) if recaps is not None else None
    # Content versions (issue 18): each content serving recorded in the database, a reload
    # whose corrections the recorded versions refuse kept out. Listeners: on_new_version.
    recorder = VersionRecorder(recaps.ready, recaps.wall) if recaps is not None else None
    if recorder is not None:
        dispatcher.store.gate = recorder.gate(asyncio.get_running_loop())
        metrics.CONTENT_VERSION.set_function(recorder.latest_number)
        metrics.CONTENT_VERSION_UNRECORDED.set_function(recorder.unrecorded)
    content = ContentComponent(dispatcher.store, lambda: dispatcher.clock().date(), recorder)
    metrics.CONTENT_AGE_DAYS.set_function(content.age_days)  # computed at each scrape
    components: list[Component] = [content, *([database] if database else []), *runners]
    recap_runner = None
    corrections: Corrections | None = None
    corrections_wake = asyncio.Event()
    if recaps is not None and runners:
        from bot.recaps.runner import RecapRunner  # noqa: PLC0415 - only with a platform to post to

        # Wired here, once, before anything starts: each platform's poster and the metrics.
        recaps.attach(
            posters={runner.name: runner.poster() for runner in runners},
            observer=metrics.RecapMetrics(),
        )
        recap_runner = RecapRunner(recaps)
        components.append(SchedulerComponent(recap_runner))
        if recorder is not None:  # corrections in place (issue 18): on each new version
            corrections, corrections_wake = wire_corrections(settings, dispatcher, recaps, recorder)
        if database is not None:  # back from an outage: recaps retry at once, not after backoff
            database.on_recovered = recap_runner.wake
        if recorder is not None:  # a new version: update posts are looked at now (bot/updates)
            recorder.on_new_version(wake_on_new_version(recap_runner))
    intake = build_intake(settings, dispatcher)  # issue 19: feeds, filings, /brief add
    intake_runs = intake is not None and (
        intake.config.watching or intake.config.editors_channel is not None
    )
    if intake is not None:
        intake.bind(asyncio.get_running_loop())  # /brief add works even with nothing to poll
        if intake_runs:
            components.append(IntakeComponent(intake))
    mounts = [mount for runner in runners for mount in runner.mounts()] + list(extra_routes)

    versions = (
        HistorySource(CachedChanges(recaps.ready), skipped=skipped_lines(recaps.ready))
        if recaps is not None
        else None
    )

    def mount_web(app: web.Application) -> None:  # the brief on the web, on the same server
        add_web_routes(app, dispatcher, public_url=settings.public_url, history=versions)

    mounts.append(mount_web)
    operator = settings.ops_port is not None  # /metrics and readiness causes: operators only
    servers = [
        HttpServer(
            build_http_app(components, observer, mounts, metrics=not operator),
            settings.host,
            settings.port,
            http_limits(settings),
        )
    ]
    if settings.ops_port is not None:
        servers.append(
            HttpServer(
                build_ops_app(components, observer),
                settings.ops_host,
                settings.ops_port,
                OPS_LIMITS,
                name="operator",
            )
        )
    started: list[Runner] = []
    listening: list[HttpServer] = []
    stack = contextlib.ExitStack()
    try:
        for runner in runners:
            await runner.start()
            started.append(runner)
        for server, prefix in zip(servers, ("", "OPS_"), strict=False):
            try:
                await server.start()
            except OSError as error:  # PORT taken, HOST not ours: one line naming the variable
                raise StartError.from_bind(
                    error, server.host, server.requested_port, prefix
                ) from None
            listening.append(server)
        # Everything is loaded: later collections skip it (heap.py). Undone in the finally.
        stack.enter_context(startup_heap_frozen())
        for runner in started:
            for name, run in runner.tasks().items():
                supervisor.supervise(name, run)
        # The order: recaps were wired above (attach), before anything started; then each
        # platform (OAuth: its tables created and the key checked; a rejected token has already
        # stopped the bot), then the servers, so no request arrives before what it needs
        # exists; last the recap loop, because a poster posts only for a started platform.
        # Nothing is registered as a side effect of start.
        if recap_runner is not None:
            supervisor.supervise("recaps", recap_runner.run)
        if database is not None:
            supervisor.supervise("database", database.watch)
        if intake is not None and intake_runs:
            supervisor.supervise("intake", intake.run)
        if recorder is not None:
            supervisor.supervise(
                "content-versions",
                lambda: keep_recorded(recorder, lambda: dispatcher.store.current),
            )
        if corrections is not None:
            supervisor.supervise(
                "corrections", lambda: keep_correcting(corrections, corrections_wake)
            )
        supervisor.supervise("loop-lag", watch_loop_lag)
        if settings.content_reload_seconds > 0:
            supervisor.supervise(
                "content-watcher",
                lambda: watch_content(dispatcher, settings.content_reload_seconds),
            )
        await stop.wait()
    finally:
        log.info("stopping")
        dispatcher.store.gate = None  # no reload may wait on this loop once it stops
        if not fatal:  # replies owed and recap posts in flight finish, within one bound
            drains: list[Awaitable[object]] = [observer.drain(STOP_WITHIN_SECONDS)]
            if recap_runner is not None:
                drains.append(recap_runner.drain(STOP_WITHIN_SECONDS))
            await asyncio.gather(*drains)
        observer.draining = True
        await supervisor.stop()
        for runner in reversed(started):
            try:
                await runner.stop()
            except Exception:
                log.exception("error while stopping %s", runner.name)
        for server in listening:
            await server.stop()
        if intake is not None:
            await intake.aclose()
        stack.close()
    return fatal[0] if fatal else None


def http_limits(settings: Settings) -> Limits:
    return Limits(
        max_connections=settings.http_max_connections,
        per_client=settings.http_max_connections_per_client,
        header_timeout=settings.http_header_timeout_seconds,
        idle_timeout=settings.http_idle_timeout_seconds,
        request_timeout=settings.http_request_timeout_seconds,
    )


def serve(
    settings: Settings, dispatcher: Dispatcher[RecapService], extra_routes: Sequence[Mount] = ()
) -> int:
    """Exit codes: 0 stopped by a signal, 2 could not start (settings), 3 fatal at run time."""

    async def main() -> Fatal | None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        return await serve_until_stopped(settings, dispatcher, stop, extra_routes=extra_routes)

    before, after = raise_open_files_limit()
    if after > before:  # systemd's default of 1,024 would cap connections low
        log.info("open files limit raised from %d to %d (the hard limit)", before, after)
    try:
        fatal = asyncio.run(main())
    except StartError as error:
        say(str(error), level="ERROR")
        return 2
    if fatal is not None:
        say(f"Stopped: {fatal}", level="CRITICAL")
        return FATAL_EXIT
    return 0


def wire_corrections(
    settings: Settings,
    dispatcher: Dispatcher[RecapService],
    recaps: RecapService,
    recorder: VersionRecorder,
) -> tuple[Corrections, asyncio.Event]:
    """Corrections in place: posts recorded with the version serving, a run on each new one."""
    recaps.content_version_of = lambda: recorder.latest.number if recorder.latest else None
    wake = asyncio.Event()

    async def on_new_version(_changes: VersionChanges) -> None:
        wake.set()

    recorder.on_new_version(on_new_version)
    corrections = Corrections(
        recaps,
        recaps.ready,
        max_age=timedelta(days=settings.corrections_max_age_days),
        content=lambda: dispatcher.store.current,
        observe=metrics.record_correction,
    )
    return corrections, wake
