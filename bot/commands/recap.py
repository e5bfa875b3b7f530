"""/recap subscribe|unsubscribe|list|preview: scheduled recaps for the channel asked from.

``/recap`` is a slow command (run in a worker thread): it uses recaps through
``context.services.recaps`` (``bot.core.services.Recaps``), whose calls wait for the store.
"""

from datetime import datetime

from bot.commands.topics import note
from bot.content.dates import format_moment
from bot.core import messages
from bot.core.binding import UsageError
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply, ReplyKind, Section
from bot.core.services import Recaps
from bot.recaps.schedule import Schedule, ScheduleError, parse_schedule
from bot.storage.base import StorageError, Subscription

ACTIONS = ("list", "preview", "subscribe", "unsubscribe")
REFUSAL = (
    "Only admins can {action} recaps: on Slack, workspace admins and owners (or users the "
    "operator lists); on Discord, members with Manage Server. `/recap list` and "
    "`/recap preview` are open to everyone."
)
UNAVAILABLE = messages.STORE_UNAVAILABLE


def _when(moment: datetime | None, tz: str) -> str:
    if moment is None:
        return "paused"
    return format_moment(moment, tz)


def handle_recap(request: CommandRequest, context: Context) -> Reply:
    action = request.args.get("action", "list")
    channel = request.channel
    recaps = context.services.recaps if request.platform in ("slack", "discord") else None
    if recaps is None or not channel:
        return Reply(
            "Recaps",
            (
                note(
                    "Recaps are posted to Slack or Discord channels: use `/recap` there, or "
                    "declare them in the "
                    "RECAPS setting. From a terminal: `python -m bot recap list`."
                ),
            ),
            private_only=True,
        )
    if action in ("subscribe", "unsubscribe") and not (request.user and request.user.is_admin):
        return Reply(
            "Recaps: admins only", (note(REFUSAL.format(action=action)),), private_only=True
        )
    try:
        if action == "subscribe":
            return _subscribe(recaps, request, channel, context)
        if action == "unsubscribe":
            return _unsubscribe(recaps, request, channel)
        if action == "preview":
            return _preview(recaps, request, channel, context)
        return _list(recaps, request, channel)
    except (StorageError, TimeoutError):
        # An error reply: never cached, and counted as "unavailable", not "ok".
        return Reply("Recaps", (note(UNAVAILABLE),), kind=ReplyKind.ERROR, private_only=True)


def _subscribe(recaps: Recaps, request: CommandRequest, channel: str, context: Context) -> Reply:
    words = request.args.get("details", "").split()
    try:
        schedule = parse_schedule(words, context.services.recap_timezone, recaps.now())
        upcoming = schedule.next_slot(recaps.now())
    except ScheduleError as error:
        raise UsageError(str(error)) from None
    user = request.user.id if request.user else ""
    sub, created = recaps.subscribe(
        request.platform, request.workspace, channel, schedule, created_by=user
    )
    verb = "Subscribed" if created else "Already subscribed"
    return Reply(
        "Recaps",
        (
            Section(
                None,
                (
                    Item(
                        f"{verb} (#{sub.id}): {schedule.describe()}. Next recap: "
                        f"{_when(upcoming, schedule.timezone)}."
                    ),
                ),
            ),
        ),
        private_only=True,
    )


def _unsubscribe(recaps: Recaps, request: CommandRequest, channel: str) -> Reply:
    subs = recaps.subscriptions(request.platform, channel)
    wanted = request.args.get("details", "").strip().lstrip("#")
    chosen: list[Subscription] = (
        [s for s in subs if str(s.id) == wanted] if wanted else (subs if len(subs) == 1 else [])
    )
    if not subs:
        return Reply(
            "Recaps", (note("This channel has no recap subscriptions."),), private_only=True
        )
    if not chosen:
        ids = ", ".join(f"#{s.id}" for s in subs)
        msg = f"Say which one: `/recap unsubscribe <id>` ({ids}); `/recap list` shows them."
        raise UsageError(msg)
    sub = chosen[0]
    if sub.origin == "settings":
        return Reply(
            "Recaps",
            (
                note(
                    f"#{sub.id} is declared in the operator's RECAPS setting; "
                    "ask the operator to remove it there."
                ),
            ),
            private_only=True,
        )
    recaps.unsubscribe(sub.id)
    return Reply(
        "Recaps",
        (note(f"Unsubscribed #{sub.id}; this channel gets no more recaps from it."),),
        private_only=True,
    )


def _preview(recaps: Recaps, request: CommandRequest, channel: str, context: Context) -> Reply:
    reply = recaps.preview(request.platform, channel, context.content)
    return Reply(
        f"Preview: {reply.title}",
        reply.sections,
        reply.citations,
        reply.as_of,
        footer="This is what the next recap in this channel would say; only you see it.",
        private_only=True,
    )


def _list(recaps: Recaps, request: CommandRequest, channel: str) -> Reply:
    rows = recaps.listing(request.platform, channel)
    if not rows:
        return Reply(
            "Recaps in this channel",
            (
                note(
                    "None yet. An admin can start them: `/recap subscribe daily 09:00 "
                    "America/New_York`."
                ),
            ),
        )
    items = []
    for sub, upcoming, last in rows:
        parts = [Schedule(sub.frequency, sub.time, sub.timezone).describe()]
        parts.append(f"next: {_when(upcoming, sub.timezone)}")
        parts.append(
            f"last: {last.status} {_when(last.finished_at or last.slot, sub.timezone)}"
            if last
            else "last: none yet"
        )
        if last and last.status == "failed" and last.detail:
            parts.append(f"last problem: {last.detail}")
        if sub.paused_reason:
            parts.append(f"PAUSED: {sub.paused_reason}")
        if sub.origin == "settings":
            parts.append("declared in settings")
        items.append(Item("; ".join(parts) + ".", label=f"#{sub.id}"))
    return Reply("Recaps in this channel", (Section(None, tuple(items)),))
