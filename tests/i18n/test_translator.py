"""A Translator fills placeholders by name in the reader's language; the content store installs
the catalogs it serves, so a broken .po on reload leaves every layer, renderers included, on
the last good catalogs, and a good edit reaches them.
"""

import logging
import shutil
from pathlib import Path

import pytest

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import ContentStore
from bot.core.reply import Reply
from bot.i18n.catalogs import LOCALES_DIR, Catalogs, load_catalogs, po_file
from bot.i18n.translator import ENGLISH, Translator, install, installed, translator
from bot.renderers.text import render_text


@pytest.fixture(autouse=True)
def _shipped_catalogs_afterwards() -> None:
    yield
    install(load_catalogs()[0])  # other tests expect the shipped words


def test_placeholders_are_filled_by_name_in_either_order() -> None:
    spanish = translator("es")
    assert spanish("Page {number} of {count}", number=2, count=5) == "Página 2 de 5"
    assert ENGLISH("Page {number} of {count}", count=5, number=2) == "Page 2 of 5"
    assert spanish.plural(
        "{count} best match, best first", "{count} best matches, best first", 1
    ) == ("1 resultado, el mejor primero")
    assert spanish.plural(
        "{count} best match, best first", "{count} best matches, best first", 3
    ) == ("3 resultados, los mejores primero")
    assert (
        spanish("Not a message anyone translated {x}", x=1) == "Not a message anyone translated 1"
    )
    assert spanish("{#id} braces, no values") == "{#id} braces, no values"


def test_a_translation_that_slipped_through_with_a_wrong_placeholder_shows_english(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(Catalogs):
        def gettext(self, lang: str, message: str) -> str:
            return "Página {numero}"

    with caplog.at_level(logging.WARNING):
        assert Translator("es", Broken())("Page {number}", number=2) == "Page 2"
    assert "shown in English" in caplog.text


def test_a_broken_po_on_reload_keeps_the_last_good_words_everywhere(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    store = ContentStore(*content_dirs, TOPIC_COMMANDS, locales_dir=locales)
    assert installed() is store.current.catalogs
    spanish = Reply("Las cifras", locale="es", command="numbers")
    assert "Información al" not in render_text(spanish)  # no as_of: only the title
    file = po_file("es", locales)
    good = file.read_text(encoding="utf-8")
    file.write_text(good.replace('msgstr "Fuentes"', 'msgstr "Fuentes de {x}"'), encoding="utf-8")
    problems = store.reload_if_changed()
    assert problems
    assert "placeholders differ" in problems[0].message
    assert problems[0].line is not None
    assert translator("es")("Sources") == "Fuentes"  # the last good catalogs, still installed
    file.write_text(good.replace('msgstr "Fuentes"', 'msgstr "Las fuentes"'), encoding="utf-8")
    assert store.reload_if_changed() == ()
    assert translator("es")("Sources") == "Las fuentes"
    assert installed() is store.current.catalogs
