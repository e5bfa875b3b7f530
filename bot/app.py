"""Wiring: settings in, a ready Dispatcher out. The only place the layers meet."""

from bot.commands import TOPIC_COMMANDS, build_registry
from bot.content.store import ContentStore
from bot.core.dispatch import Dispatcher
from bot.core.freshness import Clock, system_clock
from bot.settings import Settings


def open_store(settings: Settings) -> ContentStore:
    """Load and verify content; raises ContentError when it cannot be served."""
    return ContentStore(settings.seeds_dir, settings.summaries_dir, TOPIC_COMMANDS)


def build_dispatcher(settings: Settings, clock: Clock = system_clock, store: ContentStore | None = None) -> Dispatcher:
    return Dispatcher(
        build_registry(), store or open_store(settings), clock=clock,
        stale_after_days=settings.stale_after_days,
    )
