"""The one entry point every surface calls: a request in, a finished neutral reply out."""

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Hashable
from typing import Generic

from cachetools import LRUCache

from bot.content.store import ContentStore
from bot.core import messages
from bot.core.binding import UsageError, bind, split_line, take_lang
from bot.core.freshness import Clock, as_of, staleness_warning
from bot.core.registry import CommandRequest, Context, Handler, Registry, User
from bot.core.reply import Item, Reply, ReplyKind, Section
from bot.core.services import R_co, Services
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import Translator, translator

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
        locale: str = DEFAULT,
    ) -> Reply:
        """Parse a typed command line and run it; ``locale`` is the platform's choice of
        language, which a typed ``lang:es`` overrides.
        """
        typed = split_line(line)
        # What the line is about to be refused for is said in the language it asks.
        with contextlib.suppress(UsageError):
            _, locale, _typed = take_lang(typed.text, locale)
        tr = translator(locale)
        if not typed.command:
            return self._finish(
                _error(tr(messages.NOTHING_TO_DO), tr(messages.EMPTY_COMMAND)), None, locale
            )
        command = self.registry.get(typed.command)
        if command is None:
            return self._unknown(typed.command, locale)
        try:
            request = bind(
                command, typed.text, platform=platform, channel=channel, user=user, locale=locale
            )
        except UsageError as error:
            title = tr(messages.NOT_UNDERSTOOD, command=command.name)
            return self._finish(_error(title, str(error)), None, locale)
        return self.run(dataclasses.replace(request, workspace=workspace) if workspace else request)

    def run(self, request: CommandRequest) -> Reply:
        """Run an already-bound request (Discord hands us typed options directly)."""
        command = self.registry.get(request.command)
        if command is None:
            return self._unknown(request.command, request.locale)
        if not command.cacheable:
            return self.build(command.handler, request)
        key = (
            request.command,
            tuple(sorted(request.args.items())),
            request.public,
            request.notes,
            request.locale,
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
            locale=request.locale,
        )
        tr = context.tr
        try:
            reply = handler(request, context)
        except UsageError as error:
            reply = _error(tr(messages.NOT_UNDERSTOOD, command=request.command), str(error))
        except Exception:
            log.exception("command /%s failed", request.command)
            reply = _error(tr(messages.SORRY), tr(messages.INTERNAL_ERROR))
        return self._finish(reply, request)

    def _unknown(self, name: str, locale: str) -> Reply:
        tr = translator(locale)
        text = messages.unknown_command(tr, name[:40], self.registry.suggest(name))
        return self._finish(_error(tr(messages.UNKNOWN_COMMAND_TITLE), text), None, locale)

    def _finish(self, reply: Reply, request: CommandRequest | None, locale: str = DEFAULT) -> Reply:
        """Stamp every reply with its language, "as of" date and any staleness warning."""
        content = self.store.current
        locale = reply.locale or (request.locale if request else locale)
        tr: Translator = Translator(locale, content.catalogs)
        stamp = reply.as_of or as_of(content.sources.values())
        warnings = list(request.notes if request else ()) + list(reply.warnings)
        stale = staleness_warning(stamp, self.clock().date(), self.stale_after_days, tr)
        if stale:
            warnings.append(stale)
        finished = dataclasses.replace(
            reply,
            locale=locale,
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
