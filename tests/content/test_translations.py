"""The brief in Spanish (summaries/es/): every claim held to its English quotes with the
Spanish locale's rules, every quote's translation held to its quote, and what the Spanish
lacks or is behind on reported as a warning.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError, Problem
from bot.content.store import ContentStore, load_content
from tests.hermetic import clean_env, outside_checkout


def _problems(dirs: tuple[Path, Path]) -> list[Problem]:
    try:
        load_content(dirs[0], dirs[1], TOPIC_COMMANDS)
    except ContentError as error:
        return error.problems
    return []


def _rewrite_claim(dirs: tuple[Path, Path], topic: str, claim_id: str, text: str) -> int:
    """Replace the text of the Spanish claim ``claim_id``; return its line."""
    file = dirs[1] / "es" / f"{topic}.md"
    lines = file.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.endswith(f"{{#{claim_id}}}"):
            label = re.match(r"- (\*\*[^*]+\*\*: )?", line)
            assert label is not None
            lines[number - 1] = f"- {label.group(1) or ''}{text} {{#{claim_id}}}"
            file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return number
    raise AssertionError(claim_id)


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_spanish_passes_complete_and_up_to_date(
    content_dirs: tuple[Path, Path],
) -> None:
    content = load_content(*content_dirs, TOPIC_COMMANDS)
    spanish = content.translations["es"]
    assert set(spanish.topics) == set(content.topics)
    assert spanish.claims == content.verification.claims  # every English claim has its Spanish
    assert spanish.renderings == spanish.quotes  # every quote its translation
    assert spanish.facts > 500
    assert spanish.warnings == ()
    assert content.warnings == ()
    assert spanish.behind == frozenset()


RULING = (
    "El jueves 26 de febrero de 2026, la jueza federal de distrito Colleen Kollar-Kotelly "
    "falló que el IRS actuó ilegalmente al revelar información de contribuyentes al "
    "Servicio de Inmigración y Control de Aduanas (ICE)."
)
ROMO_COUNT = (
    "contribuyentes cuya información entregó el IRS al DHS, según una declaración jurada de "
    "Dottie Romo, funcionaria del IRS."
)


@pytest.mark.parametrize(
    ("topic", "claim_id", "text", "expected"),
    [
        ("numbers", "numbers-47000", "Unos 48.000 " + ROMO_COUNT, "figure \u201c48.000\u201d"),
        (  # English notation in a Spanish claim: Babel's strict parse says what was meant
            "numbers",
            "numbers-1-28-million",
            "Se pidieron datos de 1.28 millones de personas, según la declaración de Romo.",
            "did you mean \u201c128\u201d or \u201c1,28\u201d?",
        ),
        (
            "ruling",
            "ruling-decided",
            RULING.replace("jueves 26", "viernes 27"),
            "date \u201cviernes 27 de febrero de 2026\u201d",
        ),
        ("ruling", "ruling-decided", RULING + " Lo supo el viernes.", "date \u201cviernes\u201d"),
        (
            "ruling",
            "ruling-decided",
            RULING.replace("Colleen Kollar-Kotelly", "Jane Doe"),
            "name \u201cJane Doe\u201d",
        ),
        (  # an agency not declared in summaries/es/aliases.toml
            "ruling",
            "ruling-decided",
            RULING.replace(
                "Servicio de Inmigración y Control de Aduanas (ICE)",
                "Oficina Federal de Investigaciones",
            ),
            (
                "name \u201cOficina Federal de Investigaciones\u201d is in none of the claim's "
                "quotes and not declared in summaries/es/aliases.toml"
            ),
        ),
        (  # words in «» must be the editors' translation of a quote it cites
            "ruling",
            "ruling-decided",
            RULING + " La jueza habló de «un abuso sin precedentes».",
            "quoted phrase \u201cun abuso sin precedentes\u201d",
        ),
        (  # a week is a range, in Spanish too
            "status",
            "status-panel-declined",
            (
                "El domingo 22 de febrero de 2026 un panel de tres jueces del Circuito de D.C. se "
                "negó a dictar una orden judicial preliminar."
            ),
            "is a single day inside the week of Feb. 22, 2026",
        ),
        (  # an attribution names a source the claim does not cite
            "numbers",
            "numbers-13-pages",
            "páginas de la opinión del 26 de febrero de 2026, según el informe de Washington.",
            "attribution \u201cinforme de Washington\u201d names washington-report",
        ),
    ],
)
def test_a_planted_gap_in_spanish_is_reported_with_file_and_line(
    content_dirs: tuple[Path, Path], topic: str, claim_id: str, text: str, expected: str
) -> None:
    line = _rewrite_claim(content_dirs, topic, claim_id, text)
    problems = _problems(content_dirs)
    assert problems, "the gap was not caught"
    assert {(p.file.name, p.file.parent.name, p.line) for p in problems} == {
        (f"{topic}.md", "es", line)
    }
    assert any(expected in str(p) for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(
    ("topic", "claim_id", "text"),
    [
        ("numbers", "numbers-47000", "Unos 47 000 " + ROMO_COUNT),  # grouped with a space
        ("numbers", "numbers-47000", "Unos 47.000 " + ROMO_COUNT),
        (
            "numbers",
            "numbers-1-28-million",
            "Se pidieron datos de un total de 1,28 millones de personas, según Romo.",
        ),
        (
            "numbers",
            "numbers-three-judges",
            "Un panel de tres jueces del Circuito de D.C. rechazó la solicitud.",
        ),
        ("ruling", "ruling-decided", RULING.replace("El jueves 26", "El 26")),
        ("ruling", "ruling-decided", RULING.replace("El jueves 26 de febrero de", "En febrero de")),
        (
            "ruling",
            "ruling-decided",
            RULING.replace("El jueves 26 de febrero de 2026", "El jueves"),
        ),
        (
            "status",
            "status-panel-declined",
            (
                "En la semana del 22 de febrero de 2026 un panel de tres jueces del Tribunal de "
                "Apelaciones de EE. UU. para el Circuito de D.C. se negó a dictar una orden "
                "judicial preliminar, a principios de esta semana según The Epoch Times."
            ),
        ),
    ],
)
def test_correct_spanish_notation_passes(
    content_dirs: tuple[Path, Path], topic: str, claim_id: str, text: str
) -> None:
    _rewrite_claim(content_dirs, topic, claim_id, text)
    assert _problems(content_dirs) == []


def test_a_translation_of_a_quote_is_held_to_its_quote(content_dirs: tuple[Path, Path]) -> None:
    file = content_dirs[1] / "es" / "ruling.md"
    said = '~ es: "La jueza escribió que el IRS violó una ley de confidencialidad «aproximadamente'
    _edit(file, f"{said} 42.695", f"{said} 42.965")
    problems = _problems(content_dirs)
    lines = file.read_text(encoding="utf-8").splitlines()
    translations = [p for p in problems if "(in the translation of a quote)" in p.message]
    assert translations
    for problem in translations:
        assert problem.file == file
        assert problem.message.startswith("figure \u201c42.965\u201d (in the translation")
        assert lines[problem.line - 1].lstrip().startswith("~ es:")
    # and the claim quoting the old words of that translation no longer matches it
    assert all(p in translations or "quoted phrase" in p.message for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (" {#ruling-decided}", "", "without the id of the English claim"),
        ("{#ruling-decided}", "{#ruling-made-up}", "{#ruling-made-up} is no claim of"),
        ("{#ruling-decided}", "{#Ruling Decided}", "claim id {#Ruling Decided} not understood"),
        ("{#ruling-decided}", "{#ruling-42695}", "is already used at ruling.md"),
        ('    ~ es: "Una jueza federal falló el 26 de febrero', '    ~ fr: "Une', "'~ fr:'"),
    ],
)
def test_a_translated_claim_names_its_english_claim_and_translates_every_quote(
    content_dirs: tuple[Path, Path], old: str, new: str, expected: str
) -> None:
    _edit(content_dirs[1] / "es" / "ruling.md", old, new)
    problems = _problems(content_dirs)
    assert any(expected in p.message for p in problems), [str(p) for p in problems]
    assert all(p.file.parent.name == "es" for p in problems)


def test_a_quote_left_untranslated_is_a_problem(content_dirs: tuple[Path, Path]) -> None:
    file = content_dirs[1] / "es" / "who.md"
    lines = file.read_text(encoding="utf-8").splitlines()
    gone = next(i for i, line in enumerate(lines) if line.lstrip().startswith("~ es:"))
    file.write_text("\n".join(lines[:gone] + lines[gone + 1 :]) + "\n", encoding="utf-8")
    (problem,) = _problems(content_dirs)
    assert problem.line == gone  # the quote's line, just above the removed translation
    assert "quote without its translation" in problem.message


def test_translations_belong_in_the_translation_folder(content_dirs: tuple[Path, Path]) -> None:
    file = content_dirs[1] / "ruling.md"
    _edit(
        file,
        '  > epoch-times: "In Thursday’s 13-page opinion"\n',
        '  > epoch-times: "In Thursday’s 13-page opinion"\n    ~ es: "En la opinión"\n',
    )
    (problem,) = _problems(content_dirs)
    assert problem.file == file
    assert "translations belong in summaries/es/ruling.md" in problem.message


def test_missing_and_stale_spanish_are_warnings_not_failures(
    content_dirs: tuple[Path, Path],
) -> None:
    spanish = content_dirs[1] / "es"
    (spanish / "who.md").unlink()
    _edit(  # the English edited after the translation: es/numbers.md is now behind
        content_dirs[1] / "numbers.md",
        "pages in the Feb. 26, 2026 opinion",
        "pages in the opinion of Feb. 26, 2026",
    )
    content = load_content(*content_dirs, TOPIC_COMMANDS)
    warnings = [str(w) for w in content.warnings]
    assert any("es/who.md: not translated: /who answers in English only" in w for w in warnings)
    assert any(
        "es/numbers.md: behind the English: translated from English version" in w
        and "set <!-- english-version: " in w
        for w in warnings
    )
    assert content.translations["es"].behind == frozenset({"numbers"})
    # one warning for the topic, not one for each of its claims
    assert not any("has no es version in es/who.md" in w for w in warnings)


def test_an_english_claim_without_a_spanish_version_is_a_warning(
    content_dirs: tuple[Path, Path],
) -> None:
    file = content_dirs[1] / "ruling.md"
    _edit(
        file,
        "- IRS and Treasury officials did not answer",
        "- The injunctions remain active, a claim not yet translated. {#ruling-new}\n"
        '  > washington-report: "Those preliminary injunctions remain active."\n'
        "- IRS and Treasury officials did not answer",
    )
    warnings = [str(w) for w in load_content(*content_dirs, TOPIC_COMMANDS).warnings]
    assert any("ruling.md:" in w and "{#ruling-new} has no es version" in w for w in warnings)


def test_check_prints_spanish_counts_and_warnings_and_exits_0(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    (content_dirs[1] / "es" / "timeline.md").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        check=False,
        capture_output=True,
        text=True,
        cwd=outside_checkout(tmp_path),
        env=clean_env(
            SEEDS_DIR=str(content_dirs[0]),
            SUMMARIES_DIR=str(content_dirs[1]),
            STALE_AFTER_DAYS="3650",
        ),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^es: \d+ quotes in \d+ claims across 5 summaries", done.stdout, re.MULTILINE)
    assert "warning: " in done.stdout
    assert "es/timeline.md: not translated" in done.stdout


def test_a_spanish_gap_fails_check_and_a_reload_keeps_both_languages(
    content_dirs: tuple[Path, Path],
) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    good = store.current
    line = _rewrite_claim(content_dirs, "numbers", "numbers-47000", "Unos 48.000 " + ROMO_COUNT)
    problems = store.reload()
    assert any(p.line == line and "48.000" in p.message for p in problems)
    assert store.current is good
    assert (
        store.current.translations["es"].topics["numbers"]
        is good.translations["es"].topics["numbers"]
    )
