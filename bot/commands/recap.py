"""/recap subscribe|unsubscribe|list|preview: scheduled recaps for the channel asked from.

``/recap`` is a slow command (run in a worker thread): it uses recaps through
``context.services.recaps`` (``bot.core.services.Recaps``), whose calls wait for the store.
``/recap subscribe ... lang es`` writes that subscription's recaps in Spanish;
``/recap subscribe updates`` makes the channel follow the case: a post each time the brief
changes (bot/updates), listed with the recaps.
"""

from datetime import datetime

from bot.commands.topics import note
from bot.content.dates import format_moment
from bot.core import messages
from bot.core.binding import UsageError
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply, ReplyKind, Section
from bot.core.services import Recaps
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT, SUPPORTED, UnknownLanguage, parse_lang
from bot.i18n.translator import Translator
from bot.recaps.schedule import Schedule, ScheduleError, next_due, parse_schedule
from bot.storage.base import StorageError, Subscription

ACTIONS = ("list", "preview", "subscribe", "unsubscribe")
REFUSAL = N_(
    "Only admins can {action} recaps: on Slack, workspace admins and owners (or users the "
    "operator lists); on Discord, members with Manage Server. `/recap list` and "
    "`/recap preview` are open to everyone."
)
UNAVAILABLE = messages.STORE_UNAVAILABLE
LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}
_LANG_WORD = "lang"


def _when(moment: datetime | None, tz: str, tr: Translator) -> str:
    if moment is None:
        return tr("paused")
    return format_moment(moment, tz, tr.lang)


def handle_recap(request: CommandRequest, context: Context) -> Reply:
    tr = context.tr
    action = request.args.get("action", "list")
    channel = request.channel
    recaps = context.services.recaps if request.platform in ("slack", "discord") else None
    title = tr("Recaps")
    if recaps is None or not channel:
        text = tr(
            "Recaps are posted to Slack or Discord channels: use `/recap` there, or declare "
            "them in the RECAPS setting. From a terminal: `python -m bot recap list`."
        )
        return Reply(title, (note(text),), private_only=True)
    if action in ("subscribe", "unsubscribe") and not (request.user and request.user.is_admin):
        return Reply(
            tr("Recaps: admins only"),
            (note(tr(REFUSAL, action=action)),),
            private_only=True,
        )
    try:
        if action == "subscribe":
            return _subscribe(recaps, request, channel, context)
        if action == "unsubscribe":
            return _unsubscribe(recaps, request, channel, tr)
        if action == "preview":
            return _preview(recaps, request, channel, context)
        return _list(recaps, request, channel, tr)
    except (StorageError, TimeoutError):
        # An error reply: never cached, and counted as "unavailable", not "ok".
        return Reply(title, (note(tr(UNAVAILABLE)),), kind=ReplyKind.ERROR, private_only=True)


def _language(words: list[str], request: CommandRequest, tr: Translator) -> tuple[list[str], str]:
    """``... lang es`` at the end of the details: the recaps' language; else the one typed
    as ``lang:es`` for the command, else English (a platform's locale is one person's, the
    channel's recaps are everyone's).
    """
    if len(words) >= 2 and words[-2].lower() == _LANG_WORD:  # noqa: PLR2004 - "lang es"
        typed, words = words[-1], words[:-2]
    else:
        return words, request.locale if request.typed_locale else DEFAULT
    try:
        return words, parse_lang(typed)
    except UnknownLanguage as error:
        hint = " or ".join(f"`lang {s}`" for s in error.suggestions)
        msg = tr(
            "There is no language `{typed}` for recaps. Languages: {languages}.",
            typed=typed[:20],
            languages=", ".join(f"`lang {s}`" for s in SUPPORTED),
        )
        if hint:
            msg += " " + tr("Did you mean {suggestions}?", suggestions=hint)
        raise UsageError(msg) from None


def _subscribe(recaps: Recaps, request: CommandRequest, channel: str, context: Context) -> Reply:
    tr = context.tr
    words, lang = _language(request.args.get("details", "").split(), request, tr)
    try:
        schedule = parse_schedule(words, context.services.recap_timezone, recaps.now(), tr)
        upcoming = next_due(schedule, recaps.now())
    except ScheduleError as error:
        raise UsageError(str(error)) from None
    user = request.user.id if request.user else ""
    sub, created = recaps.subscribe(
        request.platform, request.workspace, channel, schedule, created_by=user, lang=lang
    )
    if schedule.updates:
        return _subscribed_to_updates(sub, created=created, lang=lang, tr=tr)
    fields = {
        "id": sub.id,
        "schedule": schedule.describe(tr),
        "next": _when(upcoming, schedule.timezone, tr),
        "language": tr(LANGUAGE_NAMES.get(lang, lang)),
    }
    text = (
        tr("Subscribed (#{id}): {schedule}, in {language}. Next recap: {next}.", **fields)
        if created
        else tr(
            "Already subscribed (#{id}): {schedule}, in {language}. Next recap: {next}.",
            **fields,
        )
    )
    if lang == DEFAULT:
        text += " " + tr("Add `lang es` at the end for recaps in Spanish.")
    return Reply(tr("Recaps"), (Section(None, (Item(text),)),), private_only=True)


def _subscribed_to_updates(
    sub: Subscription,
    *,
    created: bool,
    lang: str,
    tr: Translator,
) -> Reply:
    fields = {"id": sub.id, "language": tr(LANGUAGE_NAMES.get(lang, lang))}
    text = (
        tr(
            "Subscribed (#{id}): update posts, in {language}. When the brief changes, this "
            "channel gets one post saying what changed, corrections first; the brief as it "
            "is now is not announced.",
            **fields,
        )
        if created
        else tr("Already subscribed (#{id}): update posts, in {language}.", **fields)
    )
    if lang == DEFAULT:
        text += " " + tr("Add `lang es` at the end for update posts in Spanish.")
    return Reply(tr("Recaps"), (Section(None, (Item(text),)),), private_only=True)


def _unsubscribe(recaps: Recaps, request: CommandRequest, channel: str, tr: Translator) -> Reply:
    subs = recaps.subscriptions(request.platform, channel)
    wanted = request.args.get("details", "").strip().lstrip("#")
    chosen: list[Subscription] = (
        [s for s in subs if str(s.id) == wanted] if wanted else (subs if len(subs) == 1 else [])
    )
    title = tr("Recaps")
    if not subs:
        text = tr("This channel has no recap subscriptions.")
        return Reply(title, (note(text),), private_only=True)
    if not chosen:
        ids = ", ".join(f"#{s.id}" for s in subs)
        msg = tr(
            "Say which one: `/recap unsubscribe <id>` ({ids}); `/recap list` shows them.", ids=ids
        )
        raise UsageError(msg)
    sub = chosen[0]
    if sub.origin == "settings":
        text = tr(
            "#{id} is declared in the operator's RECAPS setting; ask the operator to remove it "
            "there.",
            id=sub.id,
        )
        return Reply(title, (note(text),), private_only=True)
    recaps.unsubscribe(sub.id)
    text = tr("Unsubscribed #{id}; this channel gets no more recaps from it.", id=sub.id)
    return Reply(title, (note(text),), private_only=True)


def _preview(recaps: Recaps, request: CommandRequest, channel: str, context: Context) -> Reply:
    tr = context.tr
    reply = recaps.preview(request.platform, channel, context.content, context.locale)
    return Reply(
        tr("Preview: {title}", title=reply.title),
        reply.sections,
        reply.citations,
        reply.as_of,
        warnings=reply.warnings,
        footer=tr("This is what the next recap in this channel would say; only you see it."),
        private_only=True,
    )


def _list(recaps: Recaps, request: CommandRequest, channel: str, tr: Translator) -> Reply:
    rows = recaps.listing(request.platform, channel)
    title = tr("Recaps in this channel")
    paused = recaps.corrections_paused(request.platform, channel)
    corrections = [Item(tr(CORRECTIONS_PAUSED, reason=paused), user_text=True)] if paused else []
    if not rows:
        text = tr(
            "None yet. An admin can start them: `/recap subscribe daily 09:00 America/New_York`."
        )
        extra = (Section(None, tuple(corrections)),) if corrections else ()
        return Reply(title, (note(text), *extra))
    items = []
    for sub, upcoming, last in rows:
        schedule = Schedule(sub.frequency, sub.time, sub.timezone)
        parts = [schedule.describe(tr)]
        parts.append(tr(LANGUAGE_NAMES.get(sub.lang, sub.lang)))
        if schedule.updates and not sub.paused_reason:
            upcoming_at = tr("when the brief changes")
        else:
            upcoming_at = _when(upcoming, sub.timezone, tr)
        parts.append(tr("next: {when}", when=upcoming_at))
        if last:
            status = tr(_STATUS.get(last.status, last.status))
            at = _when(last.finished_at or last.slot, sub.timezone, tr)
            parts.append(tr("last: {status} {when}", status=status, when=at))
        else:
            parts.append(tr("last: none yet"))
        if last and last.status == "failed" and last.detail:
            parts.append(tr("last problem: {detail}", detail=last.detail))
        if sub.paused_reason:
            parts.append(tr("PAUSED: {reason}", reason=sub.paused_reason))
        if sub.origin == "settings":
            parts.append(tr("declared in settings"))
        items.append(Item("; ".join(parts) + ".", label=f"#{sub.id}"))
    return Reply(title, (Section(None, (*items, *corrections)),))


CORRECTIONS_PAUSED = N_(
    "Corrections in place are PAUSED in this channel: the platform refused to edit a post "
    "({reason}). They are tried again every hour."
)

_STATUS = {
    "sent": N_("sent"),
    "failed": N_("failed"),
    "skipped": N_("skipped"),
    "claimed": N_("claimed"),
}
