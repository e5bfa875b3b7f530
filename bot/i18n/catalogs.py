"""The interface's words in every language: gettext catalogs read from ``.po`` files.

``locales/<lang>/LC_MESSAGES/messages.po`` are the only copies kept: read with Babel
(``babel.messages.pofile``) and compiled in memory (``babel.messages.mofile``) when content
loads, so there is no build step and no ``.mo`` file to forget. A broken file is a problem
with its file and line, like broken content: ``check`` reports it, and a running bot keeps
the catalogs it had (they are part of each content snapshot, ``bot.content.store``).

Strings are marked where they are written, with ``N_`` (a no-op for ``pybabel extract``,
see docs/development.md) or looked up with ``Catalogs.gettext``. English is the source
language: it has no catalog, and a message missing from another language's catalog is
shown in English.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot.i18n.locales import TRANSLATED

if TYPE_CHECKING:
    from babel.support import Translations

DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for translation"
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class CatalogProblem:
    file: Path
    line: int | None
    message: str


@dataclass(frozen=True)
class Catalogs:
    """Compiled catalogs by language; English needs none."""

    translations: Mapping[str, "Translations"] = field(default_factory=lambda: MappingProxyType({}))
    files: tuple[Path, ...] = ()

    def gettext(self, lang: str, message: str) -> str:
        catalog = self.translations.get(lang)
        return catalog.gettext(message) if catalog is not None else message

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        catalog = self.translations.get(lang)
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)


def po_file(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogs(locales_dir: Path = LOCALES_DIR) -> tuple[Catalogs, list[CatalogProblem]]:
    """Read and compile every translated language's catalog; report what is wrong with
    file and line. A language whose file is broken or missing shows English.
    """
    translations: dict[str, Translations] = {}
    problems: list[CatalogProblem] = []
    files = []
    for lang in TRANSLATED:
        file = po_file(lang, locales_dir)
        files.append(file)
        compiled, found = _compile(file, lang)
        problems += found
        if compiled is not None and not found:
            translations[lang] = compiled
    return Catalogs(MappingProxyType(translations), tuple(files)), problems


def _compile(file: Path, lang: str) -> tuple["Translations | None", list[CatalogProblem]]:
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - Babel loads on first use
    from babel.messages.pofile import PoFileError, read_po  # noqa: PLC0415
    from babel.support import Translations  # noqa: PLC0415

    try:
        data = file.read_bytes()
    except OSError as error:
        return None, [CatalogProblem(file, None, f"cannot be read: {error.strerror or error}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [CatalogProblem(file, line, "not valid UTF-8; save it as UTF-8 text")]
    try:
        catalog = read_po(io.StringIO(text), locale=lang, domain=DOMAIN, abort_invalid=True)
    except PoFileError as error:
        reason = str(error).rsplit(" on ", 1)[0]
        return None, [CatalogProblem(file, error.lineno + 1, f"not a valid .po file: {reason}")]
    except (ValueError, TypeError) as error:  # e.g. a header Babel cannot read
        return None, [CatalogProblem(file, None, f"not a valid .po file: {error}")]
    problems = [
        CatalogProblem(file, message.lineno, f"msgid {message.id!r}: {error}")
        for message, errors in catalog.check()
        for error in errors
    ]
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out: they show in English
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN), problems
