"""/brief lang es|en|auto: the language the brief answers you in, kept per person.
/brief add <url> (admins): a page put before the editors, as the intake puts new reporting.

The choice is stored in the bot's database (``context.services.languages``) and holds on
every command until changed; ``auto`` forgets it, so the platform's own language decides
again (Discord's client language, Slack's user locale). ``lang:es`` on one command still
wins for that command. Slow: it waits for the database.
"""

from bot.commands.topics import note
from bot.core.binding import UsageError
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Reply, ReplyKind
from bot.i18n.catalogs import N_
from bot.i18n.locales import SUPPORTED, UnknownLanguage, parse_lang
from bot.i18n.translator import Translator
from bot.storage.base import StorageError

SETTINGS = ("lang", "add")
AUTO = "auto"
LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}


def _name(tr: Translator, lang: str) -> str:
    return tr(LANGUAGE_NAMES.get(lang, lang))


def handle_brief(request: CommandRequest, context: Context) -> Reply:
    if request.args.get("setting") == "add":
        return _add(request, context)
    tr = context.tr
    languages = context.services.languages
    title = tr("Your language")
    user = request.user
    if languages is None or user is None or request.platform not in ("slack", "discord"):
        text = tr(
            "A language is kept per person on Slack and Discord. Here, add `lang:es` to a "
            "command for Spanish, `lang:en` for English."
        )
        return Reply(title, (note(text),), private_only=True)
    typed = request.args.get("value", "").strip()
    try:
        if not typed:
            chosen = languages.chosen(request.platform, request.workspace, user.id)
            return _current(tr, title, request.locale, chosen)
        if typed.lower() == AUTO:
            languages.choose(request.platform, request.workspace, user.id, None)
            text = tr(
                "Done: the brief follows your {platform} language again. `/brief lang es` "
                "chooses Spanish.",
                platform=request.platform.capitalize(),
            )
            return Reply(title, (note(text),), private_only=True)
        lang = _parse(tr, typed)
        languages.choose(request.platform, request.workspace, user.id, lang)
    except (StorageError, TimeoutError):
        text = tr(
            "Your language cannot be saved or read right now: the database is not answering. "
            "Meanwhile add `lang:es` to a command for Spanish."
        )
        return Reply(title, (note(text),), kind=ReplyKind.ERROR, private_only=True)
    return _chosen(Translator(lang, context.content.catalogs), request.platform)


def _add(request: CommandRequest, context: Context) -> Reply:
    """Fetch the page, keep it as a candidate, review it against the brief; the editors'
    channel gets it as it gets the feeds' new reporting. Nothing reaches readers.
    """
    tr = context.tr
    title = tr("New reporting")
    url = request.args.get("value", "").strip()
    if not (request.user and request.user.is_admin):
        text = tr("Only admins can put a page before the editors with `/brief add`.")
        return Reply(title, (note(text),), kind=ReplyKind.ERROR, private_only=True)
    if not url:
        raise UsageError(tr("Give the page's address: `/brief add https://...`."))
    intake = context.services.intake
    if intake is None:
        text = tr(
            "`/brief add` works only in the running bot (Slack or Discord), with its database."
        )
        return Reply(title, (note(text),), kind=ReplyKind.ERROR, private_only=True)
    done = intake.submit(url)
    if done.outcome == "added":
        text = tr(
            "Kept as candidate #{id}: {title}. The review: corroborates {corroborates}, "
            "contradicts {contradicts}, new {new}. The editors decide; nothing reaches "
            "readers until they accept it.",
            id=done.candidate_id,
            title=done.title,
            corroborates=done.counts.get("corroborates", 0),
            contradicts=done.counts.get("contradicts", 0),
            new=done.counts.get("new", 0),
        )
        return Reply(title, (note(text),), private_only=True)
    if done.outcome == "known":
        text = tr("This page is already known to the intake (it was found, accepted or rejected).")
        return Reply(title, (note(text),), private_only=True)
    if done.outcome == "unavailable":
        text = tr("The intake cannot take a page right now; try again in a minute.")
    else:
        text = tr("The page was not kept: {reason}", reason=done.reason[:300])
    return Reply(title, (note(text),), kind=ReplyKind.ERROR, private_only=True)


def _chosen(tr: Translator, platform: str) -> Reply:
    """Said in the language just chosen: the reply is the first to use it."""
    language = _name(tr, tr.lang)
    text = tr(
        "Done: the brief answers you in {language} from now on. `/brief lang auto` follows "
        "your {platform} language again.",
        language=language,
        platform=platform.capitalize(),
    )
    return Reply(tr("Your language"), (note(text),), private_only=True, locale=tr.lang)


def _current(tr: Translator, title: str, locale: str, chosen: str | None) -> Reply:
    language = _name(tr, locale)
    if chosen:
        text = tr(
            "The brief answers you in {language}, as you chose. Change it with `/brief lang es` "
            "or `/brief lang en`; `/brief lang auto` follows your platform's language.",
            language=language,
        )
    else:
        text = tr(
            "The brief answers you in {language}, your platform's language. Choose with "
            "`/brief lang es` or `/brief lang en`.",
            language=language,
        )
    return Reply(title, (note(text),), private_only=True)


def _parse(tr: Translator, typed: str) -> str:
    try:
        return parse_lang(typed)
    except UnknownLanguage as error:
        text = tr("There is no language `{typed}`.", typed=typed[:20])
        if error.suggestions:
            shown = tr(" or ").join(f"`/brief lang {s}`" for s in error.suggestions)
            text += " " + tr("Did you mean {suggestions}?", suggestions=shown)
        shown = ", ".join(f"`{s}`" for s in (*SUPPORTED, AUTO))
        text += " " + tr("Languages: {languages}.", languages=shown)
        raise UsageError(text) from None
