"""The one entry point every surface calls: a request in, a finished neutral reply out."""

import dataclasses
import logging
import threading
from collections.abc import Callable, Hashable
from typing import Generic

from cachetools import LRUCache

from bot.content.store import ContentStore
from bot.core import messages
from bot.core.binding import UsageError, bind, split_line
from bot.core.freshness import Clock, as_of, staleness_warning
from bot.core.registry import CommandRequest, Context, Handler, Registry, User
from bot.core.reply import Item, Reply, ReplyKind, Section
from bot.core.services import R_co, Services

log = logging.getLogger(__name__)
CACHE_SIZE = 1024
# Adds to a finished reply what depends on the deployment, e.g. links to the web pages.
Annotate = Callable[[Reply, CommandRequest | None], Reply]


class Dispatcher(Generic[R_co]):
    """``R_co``: the type of the recap service in ``services`` (platforms that run recaps use
    it).
    """

    def __init__(
        self,
        registry: Registry,
        store: ContentStore,
        *,
        clock: Clock,
        stale_after_days: int = 30,
        services: Services[R_co] | None = None,
        annotate: Annotate | None = None,
    ) -> None:
        self.registry = registry
        self.store = store
        self.clock = clock
        self.stale_after_days = stale_after_days
        self.services: Services[R_co] = services if services is not None else Services()
        self.annotate = annotate
        # Finished replies, least recently used forgotten first. Slow commands run in worker
        # threads while others run on the event loop: the lock keeps the cache's order intact.
        self._cache: LRUCache[Hashable, Reply] = LRUCache(maxsize=CACHE_SIZE)
        self._cache_lock = threading.Lock()

    def run_line(
        self,
        line: str,
        *,
        platform: str = "console",
        channel: str | None = None,
        user: User | None = None,
        workspace: str = "",
    ) -> Reply:
        """Parse a typed command line and run it."""
        typed = split_line(line)
        if not typed.command:
            return self._finish(_error("Nothing to do", messages.EMPTY_COMMAND), None)
        command = self.registry.get(typed.command)
        if command is None:
            return self._unknown(typed.command)
        try:
            request = bind(command, typed.text, platform=platform, channel=channel, user=user)
        except UsageError as error:
            return self._finish(_error(f"/{command.name}: not understood", str(error)), None)
        return self.run(dataclasses.replace(request, workspace=workspace) if workspace else request)

    def run(self, request: CommandRequest) -> Reply:
        """Run an already-bound request (Discord hands us typed options directly)."""
        command = self.registry.get(request.command)
        if command is None:
            return self._unknown(request.command)
        if not command.cacheable:
            return self.build(command.handler, request)
        key = (
            request.command,
            tuple(sorted(request.args.items())),
            request.public,
            request.notes,
            self.store.version,
            self.clock().date(),
        )
        with self._cache_lock:
            reply = self._cache.get(key)
        if reply is None:
            reply = self.build(command.handler, request)
            if reply.kind is not ReplyKind.ERROR:  # an apology for a crash must not stick
                with self._cache_lock:
                    self._cache[key] = reply
        return reply

    def build(self, handler: Handler, request: CommandRequest) -> Reply:
        """Run a handler and finish its reply, bypassing the cache."""
        context = Context(
            content=self.store.current,
            today=self.clock().date(),
            stale_after_days=self.stale_after_days,
            registry=self.registry,
            services=self.services,
        )
        try:
            reply = handler(request, context)
        except UsageError as error:
            reply = _error(f"/{request.command}: not understood", str(error))
        except Exception:
            log.exception("command /%s failed", request.command)
            reply = _error("Sorry", messages.INTERNAL_ERROR)
        return self._finish(reply, request)

    def _unknown(self, name: str) -> Reply:
        text = messages.unknown_command(name[:40], self.registry.suggest(name))
        return self._finish(_error("Unknown command", text), None)

    def _finish(self, reply: Reply, request: CommandRequest | None) -> Reply:
        """Stamp every reply with its "as of" date and any staleness warning."""
        content = self.store.current
        stamp = reply.as_of or as_of(content.sources.values())
        warnings = list(request.notes if request else ()) + list(reply.warnings)
        stale = staleness_warning(stamp, self.clock().date(), self.stale_after_days)
        if stale:
            warnings.append(stale)
        finished = dataclasses.replace(
            reply,
            as_of=stamp,
            warnings=tuple(warnings),
            public=bool(
                request
                and request.public
                and reply.kind is not ReplyKind.ERROR
                and not reply.private_only
            ),
            command=request.command if request else reply.command,
            args=tuple(request.args.items()) if request else reply.args,
        )
        return self.annotate(finished, request) if self.annotate else finished


def _error(title: str, text: str) -> Reply:
    return Reply(
        title=title, sections=(Section(None, (Item(text, user_text=True),)),), kind=ReplyKind.ERROR
    )
