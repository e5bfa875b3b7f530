"""User-facing texts of the core, kept together so they read consistently.

Each is written in English and drawn in the reader's language through a ``Translator``
(bot/i18n/translator.py); ``make messages`` collects them for the catalogs.
"""

from bot.i18n.catalogs import N_
from bot.i18n.translator import Translator

PUBLIC_FLAG = "public"
LANG_PREFIX = "lang:"  # ``lang:es`` on any command
PUBLIC_HINT = N_(
    "Replies are private to you; add `public` at the end to post one for the whole channel. "
    "Add `lang:es` for Spanish, `lang:en` for English."
)
INTERNAL_ERROR = N_("Sorry, something went wrong answering that. The problem has been logged.")
# A command whose store did not answer (/recap while the database is down): counted apart.
STORE_UNAVAILABLE = N_(
    "Recaps are unavailable for a moment: their database is not answering. Other commands "
    "work; the operator has been told. Try again later."
)
EMPTY_COMMAND = N_("Type a command such as `/ruling`, or `/help` to see them all.")
NOTHING_TO_DO = N_("Nothing to do")
NOT_UNDERSTOOD = N_("/{command}: not understood")
UNKNOWN_COMMAND_TITLE = N_("Unknown command")
SORRY = N_("Sorry")


def _either(tr: Translator, words: list[str]) -> str:
    return tr(" or ").join(words)


def unknown_command(tr: Translator, name: str, suggestions: list[str]) -> str:
    text = tr("There is no command `/{name}`.", name=name)
    if suggestions:
        shown = _either(tr, [f"`/{s}`" for s in suggestions])
        text += " " + tr("Did you mean {suggestions}?", suggestions=shown)
    return text + " " + tr("Type `/help` to see every command.")


def unknown_option(
    tr: Translator, command: str, word: str, allowed: list[str], suggestions: list[str]
) -> str:
    text = tr("`/{command}` does not take `{word}`.", command=command, word=word)
    if suggestions:
        shown = _either(tr, [f"`{s}`" for s in suggestions])
        text += " " + tr("Did you mean {suggestions}?", suggestions=shown)
    if allowed:
        text += " " + tr("It takes: {allowed}.", allowed=", ".join(f"`{a}`" for a in allowed))
    return text


def missing_option(
    tr: Translator, command: str, option: str, usage: str, examples: tuple[str, ...] = ()
) -> str:
    text = tr(
        "`/{command}` needs {option}. Usage: `{usage}`", command=command, option=option, usage=usage
    )
    if examples:
        shown = ", ".join(f"`{e}`" for e in examples)
        text += tr(". For example: {examples}", examples=shown)
    return text


def shortened(tr: Translator, option: str, limit: int) -> str:
    return tr("Your {option} was cut to its first {limit} characters.", option=option, limit=limit)


def unknown_language(
    tr: Translator, typed: str, suggestions: list[str], supported: tuple[str, ...]
) -> str:
    """A ``lang`` that names no language the brief is written in: what to type instead."""
    text = tr("There is no language `{typed}`.", typed=typed[:20])
    if suggestions:
        shown = _either(tr, [f"`lang:{s}`" for s in suggestions])
        text += " " + tr("Did you mean {suggestions}?", suggestions=shown)
    languages = ", ".join(f"`lang:{s}`" for s in supported)
    return text + " " + tr("Languages: {languages}.", languages=languages)
