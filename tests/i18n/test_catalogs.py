"""The interface's words in Spanish: gettext catalogs read from .po files at load time."""

import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError
from bot.content.store import ContentStore, load_content
from bot.content.translations import BEHIND_NOTE, TRANSLATION_LABEL
from bot.i18n.catalogs import LOCALES_DIR, load_catalogs, po_file

ROOT = Path(__file__).resolve().parents[2]


def _messages_in_code() -> set[str]:
    """Every message the code marks for translation, as `make messages` extracts them."""
    found = extract_from_dir(str(ROOT / "bot"), method_map=[("**.py", "python")])
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_every_message_has_a_spanish_translation() -> None:
    wanted = _messages_in_code()
    assert TRANSLATION_LABEL in wanted
    assert BEHIND_NOTE in wanted
    with po_file("es").open("rb") as file:
        catalog = read_po(file, locale="es")
    missing = sorted(
        m for m in wanted if not (catalog.get(m) and catalog[m].string and not catalog[m].fuzzy)
    )
    assert missing == [], "run `make messages` and translate these in the .po file"


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
