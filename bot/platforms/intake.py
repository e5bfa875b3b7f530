"""Wiring the intake (issue 19) into the running bot: its settings as plain values, the
editors' channel on its platform, its metrics; ``/brief add`` reaches it through
``Services.intake``. Built before anything starts; ``serve`` supervises its task.
"""

import logging

from bot.core.dispatch import Dispatcher
from bot.intake.editors import EditorsChannel, parse_channel
from bot.intake.fetching import Fetcher
from bot.intake.service import IntakeConfig, IntakeService
from bot.recaps.service import RecapService
from bot.service.metrics import IntakeMetrics
from bot.settings import Settings

log = logging.getLogger(__name__)


def intake_config(settings: Settings) -> IntakeConfig:
    token = settings.courtlistener_token
    return IntakeConfig(
        summaries_dir=settings.summaries_dir,
        feeds=tuple(settings.source_feeds),
        poll_seconds=settings.source_feeds_poll_seconds,
        match=tuple(settings.source_match),
        dockets=tuple(settings.courtlistener_dockets),
        courtlistener_token=token.get_secret_value() if token else None,
        courtlistener_api_url=settings.courtlistener_api_url,
        editors_channel=settings.editors_channel,
        lang=settings.editors_lang,
    )


def fetcher_for(settings: Settings) -> Fetcher:
    return Fetcher(
        allow_private=settings.source_fetch_allow_private,
        timeout=settings.source_fetch_timeout_seconds,
        max_bytes=settings.source_fetch_max_bytes,
        host_delay=settings.source_feeds_host_delay_seconds,
    )


def editors_channel(settings: Settings) -> EditorsChannel | None:
    if settings.editors_channel is None:
        return None
    platform, _ = parse_channel(settings.editors_channel)
    if platform == "slack" and settings.slack_bot_token is not None:
        from bot.platforms.slack.editors import SlackEditors  # noqa: PLC0415 - configured only

        return SlackEditors(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    if platform == "discord" and settings.discord_token is not None:
        from bot.platforms.discord.editors import DiscordEditors  # noqa: PLC0415 - configured only

        return DiscordEditors(settings.discord_token.get_secret_value(), settings.discord_api_url)
    return None  # settings refuse this combination at start


def build_intake(settings: Settings, dispatcher: Dispatcher[RecapService]) -> IntakeService | None:
    """The intake over the recap database; None without one. ``/brief add`` is wired to it."""
    recaps = dispatcher.services.recap_service
    if recaps is None:
        return None
    config = intake_config(settings)
    service = IntakeService(
        config,
        recaps.ready,
        fetcher_for(settings),
        observer=IntakeMetrics([*config.feeds, *(f"courtlistener:{d}" for d in config.dockets)]),
    )
    service.attach(editors_channel(settings))
    dispatcher.services.intake = service.for_handlers
    return service
