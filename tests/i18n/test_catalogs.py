"""The interface's words in Spanish: gettext catalogs read from .po files at load time."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError
from bot.content.store import ContentStore, load_content
from bot.content.translations import BEHIND_NOTE, TRANSLATION_LABEL
from bot.i18n.catalogs import LOCALES_DIR, load_catalogs, placeholder_errors, po_file

ROOT = Path(__file__).resolve().parents[2]


def _messages_in_code() -> set[tuple[str | None, str]]:
    """Every message the code and the templates mark for translation, (context, message), as
    `make messages` extracts them: babel.cfg's method map and the Makefile's keywords.
    """
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = parse_keywords(re.findall(r"-k (\S+)", (ROOT / "Makefile").read_text()))
    found = extract_from_dir(
        str(ROOT),
        method_map=method_map,
        options_map=options_map,
        keywords={**DEFAULT_KEYWORDS, **keywords},
    )
    return {
        (context, message if isinstance(message, str) else message[0])
        for _, _, message, _, context in found
    }


def _catalog() -> Catalog:
    with po_file("es").open("rb") as file:
        return read_po(file, locale="es")


def test_every_message_has_a_spanish_translation() -> None:
    wanted = _messages_in_code()
    assert (None, TRANSLATION_LABEL) in wanted
    assert (None, BEHIND_NOTE) in wanted
    assert (None, "Skip to the content") in wanted  # the templates'
    assert ("discord", "numbers") in wanted  # Discord's command names
    catalog = _catalog()

    def translated(context: str | None, message: str) -> bool:
        entry = catalog.get(message, context=context)
        if entry is None or entry.fuzzy:
            return False
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return all(strings)  # every plural form too

    missing = sorted(f"{c or ''}|{m}" for c, m in wanted if not translated(c, m))
    assert missing == [], "run `make messages` and translate these in the .po file"
    stale = sorted(
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in wanted
    )
    assert stale == [], "messages no code uses any more: run `make messages`"


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    """``{name}`` fields are filled in by name: a translation may reorder them, never drop or
    invent one (make messages would not notice; the catalogs refuse it at load time).
    """
    catalog = _catalog()
    wrong = {
        m.id if isinstance(m.id, str) else m.id[0]: placeholder_errors(m.id, m.string)
        for m in catalog
        if m.id
    }
    assert {message: errors for message, errors in wrong.items() if errors} == {}
    assert len(catalog) > 200


def test_the_catalog_translates_and_english_needs_none() -> None:
    catalogs, problems = load_catalogs()
    assert problems == []
    spanish = catalogs.gettext("es", TRANSLATION_LABEL)
    assert spanish != TRANSLATION_LABEL
    assert spanish.startswith("Traducción")
    assert catalogs.gettext("en", TRANSLATION_LABEL) == TRANSLATION_LABEL
    assert catalogs.gettext("es", "a message nobody translated") == "a message nobody translated"


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy)
    return copy


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: text + '\nmsgid "x"\nmsgstr "y"\nstray words\n', "Unknown or misformatted"),
        (lambda text: text + '\nmsgid "x"\nmsgstr "y"\nmsgid "q"\n', "missing msgstr"),
        (lambda text: text + '\nmsgid "%(n)s days"\nmsgstr "%(dias)s días"\n', "placeholder"),
        (lambda text: text + '\nmsgid "{count} days"\nmsgstr "{cuenta} días"\n', "placeholders"),
    ],
)
def test_a_broken_po_file_is_reported_with_its_line(
    locales: Path, damage: object, expected: str
) -> None:
    file = po_file("es", locales)
    text = file.read_text(encoding="utf-8")
    assert callable(damage)
    file.write_text(damage(text), encoding="utf-8")
    catalogs, problems = load_catalogs(locales)
    assert problems, "the damage was not noticed"
    (problem,) = problems
    assert problem.file == file
    assert problem.line is not None
    assert problem.line > len(text.splitlines()) - 1  # where the damage is, not the top
    assert expected in problem.message
    assert "es" not in catalogs.translations  # a broken catalog is never half used


def test_a_broken_po_fails_check_and_a_reload_keeps_the_last_good_catalogs(
    content_dirs: tuple[Path, Path], locales: Path
) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS, locales_dir=locales)
    good = store.current
    file = po_file("es", locales)
    file.write_text(file.read_text(encoding="utf-8") + "\nstray words\n", encoding="utf-8")
    problems = store.reload_if_changed()
    assert problems
    assert problems[0].file == file
    assert problems[0].line
    assert store.current is good
    assert store.current.catalogs.gettext("es", TRANSLATION_LABEL).startswith("Traducción")
    with pytest.raises(ContentError):
        load_content(*content_dirs, TOPIC_COMMANDS, locales_dir=locales)
