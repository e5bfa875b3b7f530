"""/brief lang es|en|auto: the language the brief answers you in, kept per person.

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

SETTINGS = ("lang",)
AUTO = "auto"
LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}


def _name(tr: Translator, lang: str) -> str:
    return tr(LANGUAGE_NAMES.get(lang, lang))


def handle_brief(request: CommandRequest, context: Context) -> Reply:
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
