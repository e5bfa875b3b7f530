"""Recaps as text for an operator: every subscription, a channel's next recap, a post-due run.

Plain values in, text out; ``bot/cli/recap.py`` parses the arguments and prints.
"""

from datetime import datetime

from bot.core.dispatch import Dispatcher
from bot.recaps.compose import compose
from bot.recaps.schedule import Schedule
from bot.recaps.service import RecapService
from bot.renderers.text import render_text


def list_all(service: RecapService, *, recorded: bool = True) -> str:
    """Every subscription; ``recorded`` False: no database yet (none is made to say so)."""
    rows = []
    if recorded:
        try:
            rows = service.call(service.listing, timeout=60)
        finally:
            service.close_sync()
    if not rows:
        return "No recap subscriptions."
    lines = []
    for sub, upcoming, last in rows:
        schedule = Schedule(sub.frequency, sub.time, sub.timezone).describe()
        described = Schedule(sub.frequency, sub.time, sub.timezone)
        status = (
            f"PAUSED ({sub.paused_reason})"
            if sub.paused_reason
            else (
                f"next {upcoming:%Y-%m-%d %H:%MZ}"
                if upcoming
                else ("next: when the brief changes" if described.updates else "next: none")
            )
        )
        last_text = f"last {last.status} {last.slot:%Y-%m-%d %H:%MZ}" if last else "never posted"
        where = f"{sub.address} (workspace {sub.workspace})" if sub.workspace else sub.address
        lines.append(f"#{sub.id} {where} [{sub.origin}] {schedule}; {status}; {last_text}")
    return "\n".join(lines)


def preview(
    service: RecapService, dispatcher: Dispatcher, address: str, *, recorded: bool = True
) -> str:
    """The channel's next recap; ``recorded`` False: no database yet, so it was told nothing."""
    platform, _, channel = address.partition(":")
    if not recorded:
        return render_text(compose(dispatcher.store.current, None, service.clock(), "en")[0])
    try:
        reply = service.for_handlers.preview(platform, channel, dispatcher.store.current)
    finally:
        service.close_sync()
    return render_text(reply)


async def post_due(service: RecapService, at: datetime | None) -> str:
    """Post what is due with the posters the caller put in place (bot.platforms.posting)."""
    if not service.posters:
        return "No platform configured: set SLACK_BOT_TOKEN or DISCORD_TOKEN."
    return (await service.post_due(at)).summary()
