"""Which language a reader gets: the languages the brief is written in, a platform's locale
tag mapped to one of them, and ``lang`` as a user types it.

Tags are read with Babel (``babel.core.parse_locale``): Discord's ``es-ES`` and ``es-419``,
Slack's ``es-LA``, a POSIX ``es_MX.UTF-8`` all mean Spanish; any language the brief is not
written in gets English. A typed ``lang`` must name a supported language ("es", "EN",
"es-MX"); anything else gets a "did you mean", matched against the codes and the languages'
names as CLDR writes them ("Spanish", "español", "inglés").
"""

import difflib
from functools import cache

ENGLISH = "en"
SPANISH = "es"
SUPPORTED = (ENGLISH, SPANISH)
DEFAULT = ENGLISH
TRANSLATED = (SPANISH,)  # languages the summaries are translated into (summaries/<lang>/)
_SHORTEST_PREFIX = 2  # "sp" may start "spanish"; "e" starts too much


class UnknownLanguage(ValueError):
    """A typed ``lang`` that names no supported language; the message says what to type."""

    def __init__(self, value: str, suggestions: list[str]) -> None:
        self.value = value
        self.suggestions = suggestions
        hint = " or ".join(f"`{s}`" for s in suggestions)
        shown = value[:20]
        super().__init__(
            f"There is no language `{shown}`."
            + (f" Did you mean {hint}?" if hint else "")
            + f" Languages: {', '.join(f'`{s}`' for s in SUPPORTED)}."
        )


def language_of(tag: str | None) -> str | None:
    """The supported language a locale tag names (``es-419`` -> ``es``), or None."""
    from babel.core import parse_locale  # noqa: PLC0415 - Babel loads on first use

    if not tag:
        return None
    cleaned = tag.strip().split(".")[0].split("@")[0]
    for sep in ("-", "_"):
        try:
            language = parse_locale(cleaned, sep=sep)[0].lower()
        except ValueError:
            continue
        return language if language in SUPPORTED else None
    return None


def locale_for(tag: str | None) -> str:
    """The language a reader with this locale tag gets: its own when the brief is written in
    it, else English (``fr-FR`` -> ``en``; ``es-ES``, ``es-419`` -> ``es``).
    """
    return language_of(tag) or DEFAULT


def parse_lang(value: str) -> str:
    """``lang`` as typed: a supported language code, with or without a region ("es",
    "ES", "es-MX"). Raises UnknownLanguage with suggestions otherwise.
    """
    found = language_of(value)
    if found is not None:
        return found
    word = value.strip().lower()
    names = _names()
    close = difflib.get_close_matches(word, list(names), n=3, cutoff=0.6)
    if not close and len(word) >= _SHORTEST_PREFIX:  # "esp", "span": the start of a name
        close = [name for name in names if name.startswith(word)]
    suggestions = sorted({names[name] for name in close}, key=SUPPORTED.index)
    raise UnknownLanguage(value, suggestions)


@cache
def _names() -> dict[str, str]:
    """Lower-case words naming each supported language -> its code: the code and the
    language's name in every supported language, as CLDR writes them.
    """
    from babel import Locale  # noqa: PLC0415

    names = {code: code for code in SUPPORTED}
    for code in SUPPORTED:
        for display in SUPPORTED:
            name = Locale.parse(code).get_display_name(display)
            if name:
                names[name.lower()] = code
                names[_ascii(name.lower())] = code
    return names


def _ascii(word: str) -> str:
    import unicodedata  # noqa: PLC0415

    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
