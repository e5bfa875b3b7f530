"""What each report states about itself, in Spanish (summaries/es/reports.toml): held to the
English it renders, reported with file and line, and shown in Spanish replies.
"""

from pathlib import Path

import pytest

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError
from bot.content.store import load_content
from bot.core.dispatch import Dispatcher


def reports(content_dirs: tuple[Path, Path]) -> Path:
    return content_dirs[1] / "es" / "reports.toml"


def test_the_shipped_descriptions_load_and_show_in_spanish_replies(
    content_dirs: tuple[Path, Path], dispatcher: Dispatcher
) -> None:
    content = load_content(*content_dirs, TOPIC_COMMANDS)
    report = content.translations["es"].report("epoch-times")
    assert report is not None
    assert report.label == "The Epoch Times (Jack Phillips), 28 de febrero de 2026"
    sources = dispatcher.run_line("/sources", locale="es")
    listed = {i.label: i.text for i in sources.sections[0].items}
    washington = listed["Informe de WASHINGTON sin fecha (medio no indicado)"]
    assert washington.startswith("Medio: sin indicar. Firma: sin indicar. Fecha: sin indicar;")
    assert "no anterior al 26 de febrero de 2026" in washington
    assert 'Informa que el fallo del 26 de febrero de 2026 se dictó "Thursday"' in washington
    assert {c.source_label for c in sources.citations} <= set(listed)


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        (
            '28 de febrero de 2026"\npublished_basis',
            '27 de febrero de 2026"\npublished_basis',
            7,
            "date “27 de febrero de 2026” is not in the English it translates",
        ),
        (
            '\\"Associated Press inquiries\\"',
            '\\"Associated Press sources\\"',
            17,
            "quote “Associated Press sources” is not in the English it translates",
        ),
        ('label = "Informe', 'lable = "Informe', 15, "lable: not a field"),
    ],
)
def test_a_planted_gap_is_reported_with_its_file_and_line(
    content_dirs: tuple[Path, Path], old: str, new: str, line: int, expected: str
) -> None:
    file = reports(content_dirs)
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(*content_dirs, TOPIC_COMMANDS)
    problems = [p for p in caught.value.problems if p.file == file]
    assert any(expected in p.message for p in problems), problems
    assert any(p.line == line for p in problems), [(p.line, p.message) for p in problems]


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("[washington-report]", "[washington-reprot]", 14, "[washington-reprot] is no report"),
        (
            '    "Dice \\"The Associated Press',
            '    "Y otra nota.",\n    "Dice \\"The Associated Press',
            9,
            "notes: 3 given, the English has 2",
        ),
    ],
)
def test_a_description_behind_its_english_is_a_warning_and_shows_the_english(
    content_dirs: tuple[Path, Path], old: str, new: str, line: int, expected: str
) -> None:
    """The English was edited since (a note added or dropped, a report renamed): the Spanish
    is not wrong, only behind; the report shows in English until it follows.
    """
    file = reports(content_dirs)
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    content = load_content(*content_dirs, TOPIC_COMMANDS)
    warnings = [w for w in content.warnings if w.file == file]
    assert any(expected in w.message and w.line == line for w in warnings), warnings


def test_a_report_without_spanish_is_a_warning_and_shows_its_english_label(
    content_dirs: tuple[Path, Path],
) -> None:
    file = reports(content_dirs)
    text = file.read_text(encoding="utf-8")
    file.write_text(text.split("[washington-report]")[0], encoding="utf-8")
    content = load_content(*content_dirs, TOPIC_COMMANDS)
    assert any("[washington-report] missing" in w.message for w in content.warnings)
    assert content.translations["es"].report("washington-report") is None
