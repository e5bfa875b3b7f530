"""Wiring: settings in, a ready Dispatcher out. The only place the layers meet."""

from datetime import timedelta

from bot.commands.catalog import TOPIC_COMMANDS, build_registry
from bot.content.store import ContentStore
from bot.core.dispatch import Dispatcher
from bot.core.freshness import Clock, system_clock
from bot.core.services import Languages, Services
from bot.recaps.declared import declared_recaps
from bot.recaps.service import RecapService
from bot.settings import Settings
from bot.storage.base import RecapStore
from bot.storage.connect import open_store as open_recap_store
from bot.web.links import PublicLinks


def open_store(settings: Settings) -> ContentStore:
    """Load and verify content; raises ContentError when it cannot be served."""
    return ContentStore(settings.seeds_dir, settings.summaries_dir, TOPIC_COMMANDS)


def build_recaps(settings: Settings, store: ContentStore, clock: Clock) -> RecapService:
    """The recap service; its database is opened on first use, with the declared recaps
    (checked here, so a bad RECAPS stops the start with the variable named).
    """
    url = settings.database_url

    async def opener() -> RecapStore:
        return await open_recap_store(url)

    service = RecapService(
        opener,
        lambda: store.current,
        clock,
        grace=timedelta(minutes=settings.recap_grace_minutes),
        lease=timedelta(seconds=settings.recap_claim_lease_seconds),
        concurrency=settings.recap_concurrency,
        claim_batch=settings.recap_claim_batch,
        declared=declared_recaps(settings.recaps, settings.recap_timezone, clock()),
        annotate=PublicLinks(settings.public_url).annotate if settings.public_url else None,
    )
    # Update posts run on the recap machinery, after the recaps at every run (bot/updates).
    from bot.updates.announce import Announcer  # noqa: PLC0415 - with the recap service only

    announcer = Announcer(
        service,
        quiet=timedelta(seconds=settings.update_quiet_seconds),
        public_url=settings.public_url,
    )
    service.add_due_work(announcer.run_due)
    return service


def _languages(services: Services[RecapService]) -> Languages | None:
    """People's chosen languages live in the recap database (bot/recaps/languages.py)."""
    service = services.recap_service
    return service.languages if service is not None else None


def build_dispatcher(
    settings: Settings, clock: Clock = system_clock, store: ContentStore | None = None
) -> Dispatcher[RecapService]:
    """The recap service is built on first use (``Services``), its database opened on first
    use (``RecapService.ready``): commands that need no database never touch one.
    """
    content = store or open_store(settings)
    return Dispatcher(
        build_registry(),
        content,
        clock=clock,
        stale_after_days=settings.stale_after_days,
        services=Services(
            recap_service=lambda: build_recaps(settings, content, clock),
            recap_timezone=settings.recap_timezone,
            languages=_languages,
        ),
        annotate=PublicLinks(settings.public_url).annotate if settings.public_url else None,
    )
