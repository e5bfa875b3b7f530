"""The command tree in the reader's language: Discord shows each command, option and choice
under its localized name and description (``name_localizations``,
``description_localizations``), filled in from the catalogs when the tree is synced.

Names come from the catalogs under the context ``discord`` (``NC_("discord", "numbers")``:
"cifras"), so the same English word can be a name here and a word elsewhere; descriptions are
the registry's own messages. Discord sends the default (English) names back whatever the
user saw, so nothing else changes. A name must be lower case, without spaces, at most 32
characters and unique in its language (tests/platforms/test_discord_locales.py).
"""

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation, TranslationContextTypes, locale_str

from bot.i18n.catalogs import NC_
from bot.i18n.locales import DEFAULT, locale_for
from bot.i18n.translator import translator
from bot.renderers.safety import clip

CONTEXT = "discord"
DESCRIPTION_CHARS = 100  # Discord's limit for command, option and choice descriptions
NAME_CHARS = 32
_NAMES = (
    # commands
    NC_("discord", "ruling"),
    NC_("discord", "numbers"),
    NC_("discord", "status"),
    NC_("discord", "timeline"),
    NC_("discord", "who"),
    NC_("discord", "sources"),
    NC_("discord", "quote"),
    NC_("discord", "recap"),
    NC_("discord", "brief"),
    NC_("discord", "help"),
    # options
    NC_("discord", "name"),
    NC_("discord", "words"),
    NC_("discord", "action"),
    NC_("discord", "details"),
    NC_("discord", "setting"),
    NC_("discord", "value"),
    NC_("discord", "command"),
    NC_("discord", "public"),
    NC_("discord", "lang"),
    # choices
    NC_("discord", "list"),
    NC_("discord", "preview"),
    NC_("discord", "subscribe"),
    NC_("discord", "unsubscribe"),
    NC_("discord", "add"),  # /brief add <url> (issue 19)
    NC_("discord", "English"),
    NC_("discord", "Spanish"),
)
_NAMED = (
    TranslationContextLocation.command_name,
    TranslationContextLocation.group_name,
    TranslationContextLocation.parameter_name,
)


def localized(message: str, *, limit: int = DESCRIPTION_CHARS) -> locale_str:
    """``message`` (a registry description, a choice's name) as discord.py's lazy string,
    cut to Discord's limit; the catalogs are asked with the message as written.
    """
    return locale_str(clip(message, limit), msgid=message)


def name(word: str) -> locale_str:
    return locale_str(word, msgid=word)


class CatalogTranslator(app_commands.Translator):
    """discord.py's hook for localizations, answered from the gettext catalogs."""

    async def translate(
        self, string: locale_str, locale: Locale, context: TranslationContextTypes
    ) -> str | None:
        lang = locale_for(locale.value)
        if lang == DEFAULT:
            return None
        tr = translator(lang)
        message = str(string.extras.get("msgid", string.message))
        if context.location in _NAMED:
            text = tr.pgettext(CONTEXT, message)
            return text[:NAME_CHARS] if text != message else None
        if context.location is TranslationContextLocation.choice_name:
            text = tr.pgettext(CONTEXT, message)
            return clip(text, DESCRIPTION_CHARS) if text != message else None
        text = tr(message)
        return clip(text, DESCRIPTION_CHARS) if text != message else None
