"""Words in the reader's language: a ``Translator`` for one language, and the catalogs being
served.

Messages are written in English where they are used, with ``{name}`` placeholders filled
in by name (``tr("There is no page {page}.", page=3)``), so a translation may put them in
its own order. ``make messages`` finds them by the names of the calls: ``tr``, ``plural``
(singular and plural: ``tr.plural("{count} page", "{count} pages", n)``), ``N_`` for a
message defined away from where it is shown, ``pgettext`` for a word whose meaning needs a
context (a Discord command's name).

The content store installs the catalogs of the content it serves (``install``), so a
broken ``.po`` on reload leaves the last good catalogs in use everywhere, renderers
included. Before anything is installed (a script, a test) the shipped catalogs are read
on first use.
"""

import logging
import threading
from dataclasses import dataclass, field

from bot.i18n.catalogs import Catalogs, load_catalogs
from bot.i18n.locales import DEFAULT

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Translator:
    """The interface's words in ``lang``; English (or a message with no translation) as
    written.
    """

    lang: str = DEFAULT
    catalogs: Catalogs = field(default_factory=Catalogs)

    def __call__(self, message: str, /, **values: object) -> str:
        """``message`` translated, its placeholders filled in (only when values are given,
        so a message holding literal braces and no placeholder is shown as written).
        """
        text = self.catalogs.gettext(self.lang, message)
        return _fill(text, message, values) if values else text

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The form for ``count`` (``{count}`` is filled in too)."""
        text = self.catalogs.ngettext(self.lang, singular, plural, count)
        english = singular if count == 1 else plural
        return _fill(text, english, {"count": count, **values})

    def pgettext(self, context: str, message: str) -> str:
        return self.catalogs.pgettext(self.lang, context, message)


def _fill(text: str, english: str, values: dict[str, object]) -> str:
    """The catalogs refuse a translation whose placeholders differ from its message's; should
    one slip through all the same, the reader gets the English rather than an error.
    """
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("a translation could not be filled in; shown in English: %r", english)
    try:
        return english.format(**values)
    except (KeyError, IndexError, ValueError):
        return english


_lock = threading.Lock()
_installed: Catalogs | None = None


def install(catalogs: Catalogs) -> None:
    """Serve ``catalogs`` from now on (the content store does, on every good load)."""
    global _installed  # noqa: PLW0603 - one process-wide value, set by whoever serves content
    with _lock:
        _installed = catalogs


def installed() -> Catalogs:
    """The catalogs being served; the shipped ones when none were installed (a broken
    shipped catalog then means English, and ``check`` says why).
    """
    global _installed
    served = _installed  # one read of a reference: no lock once something is installed
    if served is not None:
        return served
    with _lock:
        if _installed is None:
            _installed, problems = load_catalogs()
            if problems:
                log.warning("the shipped catalogs have problems; English is shown: %s", problems[0])
        return _installed


def translator(lang: str) -> Translator:
    """The words of ``lang`` from the catalogs being served."""
    return Translator(lang, installed())


ENGLISH = Translator()  # for messages shown to operators, or built before a language is known
