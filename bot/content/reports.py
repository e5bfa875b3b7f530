"""What each report states about itself, in another language: ``summaries/<lang>/reports.toml``.

The English lives beside each report (``seeds/NAME.toml``): its label, what its printed
date is, the editors' notes. A translation gives the same fields in its language, one table
per report id::

    [epoch-times]
    label = "The Epoch Times (Jack Phillips), 28 de febrero de 2026"
    published_basis = "..."
    notes = ["...", "..."]

Each text is held to the English field it renders (``support.translated_text_gaps``): no
figure or date the English does not carry, words in "..." exactly the English's (they are
the report's own words); a figure, date or quoted phrase that is not there, or a field
this file does not know, is an error with its line. A description that no longer matches
its English (a field the English lacks or needs, another number of notes: the English was
edited since), a report with no table, or a table for no report is a warning: that report
shows its English label and notes until the Spanish is brought up to date.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from bot.content.declarations import Declarations
from bot.content.files import read_text
from bot.content.problems import Problem
from bot.content.sources import Source
from bot.content.support import translated_text_gaps

FILE_NAME = "reports.toml"
FIELDS = ("label", "published_basis", "not_before_basis", "notes")


@dataclass(frozen=True, slots=True)
class TranslatedReport:
    label: str
    published_basis: str | None = None
    not_before_basis: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reports:
    by_id: Mapping[str, TranslatedReport]
    facts: int = 0


def load_reports(
    folder: Path,
    lang: str,
    sources: Mapping[str, Source],
    declarations: Declarations,
) -> tuple[Reports, list[Problem], list[Problem]]:
    """The translated descriptions of the reports, their problems and their warnings."""
    file = folder / FILE_NAME
    if not file.exists():
        warning = Problem(file, None, f"no {lang} descriptions of the reports: labels in English")
        return Reports(MappingProxyType({})), [], [warning]
    raw = read_text(file)
    if isinstance(raw, Problem):
        return Reports(MappingProxyType({})), [raw], []
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        return Reports(MappingProxyType({})), [Problem(file, error_line(error), str(error))], []
    lines = raw.splitlines()
    problems: list[Problem] = []
    warnings: list[Problem] = []
    found: dict[str, TranslatedReport] = {}
    facts = 0
    for source_id, table in data.items():
        line = _line(lines, f"[{source_id}]")
        source = sources.get(source_id)
        if not isinstance(table, dict):
            problems.append(Problem(file, line, f"[{source_id}]: a table of fields, please"))
            continue
        if source is None:
            warnings.append(
                Problem(file, line, f"[{source_id}] is no report of seeds/: left unused")
            )
            continue
        report, checked, errors, behind = _report(file, lines, source, table, declarations, lang)
        facts += checked
        problems += errors
        warnings += behind
        if report is not None:
            found[source_id] = report
    warnings += [
        Problem(file, None, f"[{source_id}] missing: its label and notes show in English")
        for source_id in sources
        if source_id not in data
    ]
    return Reports(MappingProxyType(found), facts), problems, warnings


def _report(
    file: Path,
    lines: list[str],
    source: Source,
    table: dict[str, object],
    declarations: Declarations,
    lang: str,
) -> tuple[TranslatedReport | None, int, list[Problem], list[Problem]]:
    """The description, facts checked, errors, and warnings (behind its English)."""
    meta = source.meta
    problems: list[Problem] = []
    behind: list[Problem] = []
    start = _line(lines, f"[{source.id}]") or 1
    shown = "; it shows in English until the Spanish follows the English"

    def where(key: str) -> int | None:
        return _line(lines, key, start) or start

    unknown = sorted(set(table) - set(FIELDS))
    problems += [
        Problem(file, where(k), f"[{source.id}] {k}: not a field; use {', '.join(FIELDS)}")
        for k in unknown
    ]
    texts: list[tuple[str, str, str]] = []  # (field, translation, English)
    for key in ("label", "published_basis", "not_before_basis"):
        value = table.get(key)
        english = getattr(meta, key)
        if value is None:
            if key == "label":
                problems.append(Problem(file, start, f"[{source.id}] needs a label"))
            elif english:
                behind.append(Problem(file, start, f"[{source.id}] {key} missing{shown}"))
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(file, where(key), f"[{source.id}] {key}: a text, please"))
            continue
        if not english:
            behind.append(
                Problem(file, where(key), f"[{source.id}] {key}: the English has none{shown}")
            )
            continue
        texts.append((key, value, english))
    notes = table.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        problems.append(Problem(file, where("notes"), f"[{source.id}] notes: a list of texts"))
        notes = []
    elif len(notes) != len(meta.notes):
        behind.append(
            Problem(
                file,
                where("notes"),
                f"[{source.id}] notes: {len(notes)} given, the English has {len(meta.notes)}; "
                f"translate each, in order{shown}",
            )
        )
    else:
        texts += [("notes", note, english) for note, english in zip(notes, meta.notes, strict=True)]
    checked = 0
    for key, text, english in texts:
        count, gaps = translated_text_gaps(text, english, declarations, lang=lang)
        checked += count
        problems += [
            Problem(
                file,
                where(key),
                f"[{source.id}] {key}: {gap.kind.value} \u201c{gap.text}\u201d is not in the "
                "English it translates",
                f"translation: {text}\nEnglish: {english}",
            )
            for gap in gaps
        ]
    if problems or behind:
        return None, checked, problems, behind
    label = table["label"]
    assert isinstance(label, str)
    basis = table.get("published_basis")
    earliest = table.get("not_before_basis")
    return (
        TranslatedReport(
            label,
            basis if isinstance(basis, str) else None,
            earliest if isinstance(earliest, str) else None,
            tuple(notes),
        ),
        checked,
        [],
        [],
    )


def error_line(error: tomllib.TOMLDecodeError) -> int | None:
    words = str(error).rsplit("(at line ", 1)
    return int(words[1].split(",")[0]) if len(words) == 2 else None  # noqa: PLR2004 - a split


def _line(lines: list[str], text: str, start: int = 1) -> int | None:
    for number, line in enumerate(lines[start - 1 :], start=start):
        if line.lstrip().startswith(text):
            return number
    return None
