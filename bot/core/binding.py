"""Turning a typed line ("/quote 42,695 times public") into a CommandRequest."""

import difflib
from dataclasses import dataclass

from bot.core import messages
from bot.core.registry import Command, CommandRequest, OptionKind, User
from bot.i18n.locales import DEFAULT, SUPPORTED, UnknownLanguage, parse_lang
from bot.i18n.translator import translator


class UsageError(Exception):
    """The user typed something the command cannot take; the message says what to do."""


@dataclass(frozen=True, slots=True)
class TypedLine:
    command: str
    text: str


def split_line(line: str) -> TypedLine:
    """``"/quote  a b"`` -> ("quote", "a b"). The slash is optional."""
    head, _, rest = line.strip().partition(" ")
    return TypedLine(head.lstrip("/").lower(), rest.strip())


def take_lang(text: str, locale: str = DEFAULT) -> tuple[str, str, bool]:
    """``lang:es`` anywhere in ``text``: the text without it, and the language it chose
    (``locale`` when none is typed), and whether one was. UsageError, in ``locale``, with a
    "did you mean" for a language the brief is not written in.
    """
    words = text.split()
    chosen = locale
    kept = []
    for word in words:
        if not word.lower().startswith(messages.LANG_PREFIX):
            kept.append(word)
            continue
        typed = word[len(messages.LANG_PREFIX) :]
        try:
            chosen = parse_lang(typed)
        except UnknownLanguage as error:
            raise UsageError(
                messages.unknown_language(translator(locale), typed, error.suggestions, SUPPORTED)
            ) from None
    if len(kept) == len(words):
        return text, chosen, False
    return " ".join(kept), chosen, True


def bind(
    command: Command,
    text: str,
    *,
    platform: str = "console",
    channel: str | None = None,
    user: User | None = None,
    locale: str = DEFAULT,
) -> CommandRequest:
    """Match free text against a command's options. Raises UsageError (in the language the
    line asks for, else ``locale``).
    """
    text, locale, typed = take_lang(text, locale)
    tr = translator(locale)
    words = text.split()
    public = bool(words) and words[-1].lower() == messages.PUBLIC_FLAG
    if public:
        words = words[:-1]
    args: dict[str, str] = {}
    notes: list[str] = []
    for option in command.options:
        if option.kind is OptionKind.CHOICE:
            if not words:
                continue
            word = words[0].lower().lstrip("/")
            if word not in option.choices:
                raise UsageError(
                    messages.unknown_option(
                        tr,
                        command.name,
                        words[0],
                        list(option.choices),
                        difflib.get_close_matches(word, option.choices, n=2, cutoff=0.6),
                    )
                )
            args[option.name] = word
            words = words[1:]
        else:
            value = " ".join(words)
            words = []
            if len(value) > option.max_length:
                value = value[: option.max_length].rsplit(" ", 1)[0] or value[: option.max_length]
                notes.append(messages.shortened(tr, option.name, option.max_length))
            if value:
                args[option.name] = value
    for option in command.options:
        if option.required and option.name not in args:
            raise UsageError(
                messages.missing_option(
                    tr, command.name, f"<{option.name}>", command.usage(), command.examples
                )
            )
    if words:
        allowed = [messages.PUBLIC_FLAG, "lang:es", "lang:en"]
        raise UsageError(
            messages.unknown_option(
                tr,
                command.name,
                words[0],
                allowed,
                difflib.get_close_matches(words[0].lower(), allowed, n=1, cutoff=0.6),
            )
        )
    return CommandRequest(
        command.name,
        args,
        public,
        platform,
        channel,
        user,
        tuple(notes),
        locale=locale,
        typed_locale=typed,
    )
