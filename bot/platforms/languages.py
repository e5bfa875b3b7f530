"""Which language a person gets, whatever the platform: ``lang:es`` typed on the command,
else the language they chose (``/brief lang es``, in the database), else the platform's
locale for them (Discord's client language, Slack's user locale), else English.

Asking the database never holds a command up (``Languages.lookup`` answers within half a
second, or None when the database is down); the platform's locale then decides.
"""

from bot.core.dispatch import Dispatcher
from bot.core.messages import LANG_PREFIX
from bot.i18n.locales import locale_for


def typed_lang(text: str) -> bool:
    """Whether the line chooses its own language (``lang:es``): nothing else is asked."""
    return any(word.lower().startswith(LANG_PREFIX) for word in text.split())


async def chosen_language(
    dispatcher: Dispatcher, platform: str, workspace: str, user: str
) -> str | None:
    """The language this person chose with /brief, or None (nothing chosen, or the database
    cannot say in time).
    """
    languages = dispatcher.services.languages
    if languages is None or not user:
        return None
    return await languages.lookup(platform, workspace, user)


def known_language(
    dispatcher: Dispatcher, platform: str, workspace: str, user: str
) -> tuple[bool, str | None]:
    """(whether it is known without asking the database, the chosen language or None)."""
    languages = dispatcher.services.languages
    if languages is None or not user:
        return True, None
    return languages.known(platform, workspace, user)


def reader_language(chosen: str | None, platform_locale: str | None) -> str:
    """A person's choice first, then their platform's locale; English when neither is a
    language the brief is written in.
    """
    return chosen or locale_for(platform_locale)
