"""The support check: a claim states only the figures, dates, names and quoted phrases its
own quotes carry, or that the editor declared in summaries/aliases.toml.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError, Problem
from bot.content.store import load_content
from bot.core.dispatch import Dispatcher
from tests.hermetic import clean_env, outside_checkout

ROOT = Path(__file__).resolve().parents[2]
ROMO_QUOTE = 'epoch-times: "an IRS official, Dottie Romo, issued a sworn statement"'
THURSDAY_QUOTE = (
    'washington-report: "A federal judge ruled Thursday that the Internal Revenue Service violated '
    'federal law"'
)


def _add_claim(dirs: tuple[Path, Path], text: str, *citations: str) -> int:
    """Append a claim to ruling.md; return its line number."""
    file = dirs[1] / "ruling.md"
    lines = file.read_text(encoding="utf-8").splitlines()
    lines.append(f"- {text}")
    line = len(lines)
    lines += [f"  > {c}" for c in citations]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return line


def _gaps(dirs: tuple[Path, Path]) -> list[Problem]:
    try:
        load_content(dirs[0], dirs[1], TOPIC_COMMANDS)
    except ContentError as error:
        return error.problems
    return []


def _aliases(dirs: tuple[Path, Path]) -> Path:
    return dirs[1] / "aliases.toml"


def test_the_shipped_summaries_pass_and_report_how_many_facts_were_checked(
    content_dirs: tuple[Path, Path],
) -> None:
    verification = load_content(*content_dirs, TOPIC_COMMANDS).verification
    assert verification.ok
    assert verification.facts is not None
    assert verification.facts > 300
    assert (
        "figures, dates, names and quoted phrases in claims checked"
        in verification.summary_line(2, 6)
    )


@pytest.mark.parametrize(
    ("claim", "unsupported", "kind"),
    [
        ("Romo said the IRS gave data on 48,000 taxpayers.", "48,000", "figure"),
        ("IRS official Dottie Romo, a lawyer named Jane Doe, filed it.", "Jane Doe", "name"),
        (
            "Romo filed it with the U.S. Court of Federal Claims.",
            "U.S. Court of Federal Claims",
            "name",
        ),
        ("Romo filed it on March 3, 2026.", "March 3, 2026", "date"),
        ("Romo filed it on Tuesday.", "Tuesday", "date"),
        ('Romo called it "a grave breach".', "a grave breach", "quoted phrase"),
    ],
)
def test_a_planted_gap_is_reported_with_file_line_words_and_quotes(
    content_dirs: tuple[Path, Path],
    claim: str,
    unsupported: str,
    kind: str,
) -> None:
    line = _add_claim(content_dirs, claim, ROMO_QUOTE)
    (problem,) = _gaps(content_dirs)
    assert problem.file.name == "ruling.md"
    assert problem.line == line
    report = str(problem)
    assert f"{kind} \u201c{unsupported}\u201d is in none of the claim's quotes" in report
    assert f"claim: {claim}" in report
    assert f"> {ROMO_QUOTE}" in report


def test_a_label_is_checked_too(content_dirs: tuple[Path, Path]) -> None:
    _add_claim(content_dirs, "**About 50,000**: taxpayers, per Romo.", ROMO_QUOTE)
    (problem,) = _gaps(content_dirs)
    assert problem.message.startswith("figure \u201c50,000\u201d (in the label)")


def test_words_the_quotes_carry_pass_in_other_forms(content_dirs: tuple[Path, Path]) -> None:
    _add_claim(
        content_dirs,
        "Judge Kollar-Kotelly's 13-page opinion cited Dottie Romo, whose count of 1,280,000 people "
        "asked for is in two reports.",
        'epoch-times: "In Thursday’s 13-page opinion, Kollar-Kelly cited Romo’s statement"',
        'epoch-times: "DHS, which had requested the information of a total of 1.28 million people"',
        ROMO_QUOTE,
        'washington-report: "two distinct court orders have prevented the agencies"',
        'washington-report: "U.S. District Judge Colleen Kollar-Kotelly determined"',
    )
    assert _gaps(content_dirs) == []


def test_a_declared_alias_covers_a_name_and_removing_it_opens_a_gap(
    content_dirs: tuple[Path, Path],
) -> None:
    _add_claim(content_dirs, "The Internal Revenue Service official filed it.", ROMO_QUOTE)
    assert _gaps(content_dirs) == []
    aliases = _aliases(content_dirs)
    aliases.write_text(
        aliases.read_text().replace('"Internal Revenue Service" = ["IRS", "the tax agency"]', "")
    )
    problems = _gaps(content_dirs)
    assert problems
    assert all("Internal Revenue Service" in p.message for p in problems)


def test_aliases_are_symmetric_and_transitive(content_dirs: tuple[Path, Path]) -> None:
    line = _add_claim(
        content_dirs,
        "Kollar-Kotelly wrote it.",
        'epoch-times: "The Court’s prior decision to indicate"',
    )
    assert [p.line for p in _gaps(content_dirs)] == [line]
    aliases = _aliases(content_dirs)
    aliases.write_text(
        aliases.read_text(encoding="utf-8").replace(
            "[names]\n", '[names]\n"Kollar-Kotelly" = ["the judge"]\n"the Court" = ["the judge"]\n'
        ),
        encoding="utf-8",
    )
    assert _gaps(content_dirs) == []


def test_a_resolved_date_counts_only_in_the_sources_it_is_declared_for(
    content_dirs: tuple[Path, Path],
) -> None:
    _add_claim(content_dirs, "The ruling came on Feb. 26, 2026, a Thursday.", THURSDAY_QUOTE)
    assert _gaps(content_dirs) == []
    aliases = _aliases(content_dirs)
    text = aliases.read_text(encoding="utf-8")
    aliases.write_text(
        text.replace(
            'words = "Thursday"\nsources = ["washington-report"]',
            'words = "Thursday"\nsources = ["epoch-times"]',
        ),
        encoding="utf-8",
    )
    (problem,) = _gaps(content_dirs)
    assert "date \u201cFeb. 26, 2026\u201d" in problem.message


def test_a_full_date_in_a_quote_covers_its_month_year_and_weekday(
    content_dirs: tuple[Path, Path],
) -> None:
    _add_claim(
        content_dirs,
        "It happened on Thursday in February 2026; see Jan. 6.",
        'epoch-times: "A federal judge on Feb. 26 ruled"',
    )  # declared: Feb. 26 = Feb. 26, 2026
    (problem,) = _gaps(content_dirs)
    assert "\u201cJan. 6\u201d" in problem.message


def test_a_declared_date_needs_its_basis(content_dirs: tuple[Path, Path]) -> None:
    aliases = _aliases(content_dirs)
    aliases.write_text(
        aliases.read_text(encoding="utf-8")
        + '\n[[dates]]\nwords = "this month"\nmeans = "February 2026"\n',
        encoding="utf-8",
    )
    problems = _gaps(content_dirs)
    assert any(p.file.name == "aliases.toml" and "basis" in p.message for p in problems)


def test_naming_a_source_is_an_attribution_not_a_fact(content_dirs: tuple[Path, Path]) -> None:
    _add_claim(
        content_dirs,
        "The Epoch Times and the Washington report both quote Jack Phillips's source.",
        ROMO_QUOTE,
        THURSDAY_QUOTE,  # an attribution names a source the claim cites (see below)
    )
    assert _gaps(content_dirs) == []
    _add_claim(content_dirs, "The Daily Planet says so too.", ROMO_QUOTE)
    (problem,) = _gaps(content_dirs)
    assert "Daily Planet" in problem.message


def test_words_inside_a_claims_quotation_marks_are_checked_as_one_phrase(
    content_dirs: tuple[Path, Path],
) -> None:
    _add_claim(content_dirs, 'Romo is "an IRS official".', ROMO_QUOTE)
    _add_claim(content_dirs, 'Romo is "an IRS official, Dottie Roma".', ROMO_QUOTE)
    (problem,) = _gaps(content_dirs)
    assert "quoted phrase \u201can IRS official, Dottie Roma\u201d" in problem.message


def test_the_bot_refuses_to_start_on_a_gap(content_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    line = _add_claim(content_dirs, "Romo said 48,000.", ROMO_QUOTE)
    env = clean_env(SEEDS_DIR=str(content_dirs[0]), SUMMARIES_DIR=str(content_dirs[1]))
    for action in (["check"], ["ask", "/ruling"]):
        out = subprocess.run(
            [sys.executable, "-m", "bot", *action],
            capture_output=True,
            text=True,
            cwd=outside_checkout(tmp_path),
            env=env,
            timeout=60,
            check=False,
        )
        assert out.returncode == 1, out
        assert f"ruling.md:{line}: figure \u201c48,000\u201d" in out.stdout + out.stderr


# --- /who matches whole words ----------------------------------------------------------------


def _labels(dispatcher: Dispatcher, line: str) -> list[str | None]:
    return [item.label for section in dispatcher.run_line(line).sections for item in section.items]


def test_who_matches_whole_words_only(dispatcher: Dispatcher) -> None:
    ice = _labels(dispatcher, "/who ICE")
    assert "ICE" in ice
    assert "Dottie Romo" not in ice
    assert _labels(dispatcher, "/who romo") == ["Dottie Romo"]
    assert _labels(dispatcher, "/who Kotelly") == [
        "Colleen Kollar-Kotelly"
    ]  # part of a hyphenated name
    assert _labels(dispatcher, "/who offic") == [None]  # only the "no one matches" note


def test_help_promises_only_what_the_checks_do(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/help")
    text = " ".join(
        f"{item.label or ''} {item.text}" for section in reply.sections for item in section.items
    )
    assert "Every statement is checked word for word" not in text
    assert "each quote is checked word for word" in text
    assert "1.28 million requests" not in text
    assert "1.28 million people" in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[names\n", "not valid TOML"),
        (b'[names]\n"IRS" = "Internal Revenue Service"\n', "names.IRS"),
        (b"[aliases]\n", "aliases"),
        (b"\xff\xfe[names]\n", "not valid UTF-8"),
    ],
)
def test_a_bad_aliases_file_is_a_problem_not_a_crash(
    content_dirs: tuple[Path, Path], content: bytes, expected: str
) -> None:
    _aliases(content_dirs).write_bytes(content)
    problems = _gaps(content_dirs)
    assert any(p.file.name == "aliases.toml" and expected in p.message for p in problems)


def test_a_declaration_for_an_unknown_source_is_a_problem(content_dirs: tuple[Path, Path]) -> None:
    aliases = _aliases(content_dirs)
    aliases.write_text(
        aliases.read_text(encoding="utf-8").replace(
            'washington-report = ["Washington report"]', 'washington-post = ["the Post"]'
        ),
        encoding="utf-8",
    )
    problems = _gaps(content_dirs)
    assert any("unknown source 'washington-post'" in p.message for p in problems)


# --- attributions: a claim's "the Washington report says" must match the quotes ---------------

DHS_1_28_QUOTE = (
    'epoch-times: "DHS, which had requested the information of a total of 1.28 million people"'
)


def test_an_attribution_to_a_source_no_quote_is_from_is_a_gap(
    content_dirs: tuple[Path, Path],
) -> None:
    line = _add_claim(
        content_dirs,
        "The Washington report says DHS had requested the information of 1.28 million people.",
        DHS_1_28_QUOTE,
    )
    problems = _gaps(content_dirs)
    assert {p.line for p in problems} == {line}
    report = "\n".join(str(p) for p in problems)
    assert "attribution \u201cWashington report\u201d names washington-report" in report
    assert "figure \u201c1.28 million\u201d is attributed to washington-report" in report


def test_swapped_attributions_are_caught_even_when_both_sources_are_cited(
    content_dirs: tuple[Path, Path],
) -> None:
    line = _add_claim(
        content_dirs,
        "Who asked for the 1.28 million people's information: The Epoch Times says ICE; "
        "the Washington report says DHS.",
        DHS_1_28_QUOTE,
        'washington-report: "out of 1.28 million people ICE had requested information about"',
    )
    problems = _gaps(content_dirs)
    assert [p.line for p in problems] == [line, line]
    messages = [p.message for p in problems]
    assert "name \u201cICE\u201d is attributed to epoch-times" in messages[0]
    assert "name \u201cDHS\u201d is attributed to washington-report" in messages[1]


def test_what_a_clause_attributes_is_held_to_that_source_and_the_subject_to_any(
    content_dirs: tuple[Path, Path],
) -> None:
    _add_claim(
        content_dirs,
        "Who asked for the 1.28 million people's information: The Epoch Times says DHS; "
        "the Washington report says ICE.",
        DHS_1_28_QUOTE,
        'washington-report: "out of 1.28 million people ICE had requested information about"',
    )
    _add_claim(  # "per X" after the words, and a sentence that names no source
        content_dirs,
        "A filing disclosed the 1.28 million figure, per the Washington report. "
        "DHS had asked, in The Epoch Times.",
        DHS_1_28_QUOTE,
        'washington-report: "out of 1.28 million people ICE had requested information about"',
    )
    assert _gaps(content_dirs) == []


# --- a declared week, a month or mid-February is a range, never one of its days ---------------

EARLIER_THIS_WEEK = (
    'epoch-times: "Earlier this week, a three-judge panel for the U.S. Court of Appeals for the '
    'D.C. Circuit declined to issue a preliminary injunction"'
)


def test_a_day_inside_a_declared_week_is_a_gap(content_dirs: tuple[Path, Path]) -> None:
    line = _add_claim(
        content_dirs,
        "The appeals panel ruled on Sunday, Feb. 22, 2026.",
        EARLIER_THIS_WEEK,
    )
    (problem,) = _gaps(content_dirs)
    assert problem.line == line
    assert problem.message.startswith(
        "date \u201cSunday, Feb. 22, 2026\u201d is a single day inside the week of "
        "Feb. 22, 2026, the range its quotes give"
    )


def test_the_week_itself_and_what_holds_it_pass(content_dirs: tuple[Path, Path]) -> None:
    _add_claim(
        content_dirs,
        "The appeals panel ruled in the week of Feb. 22, 2026, in February 2026.",
        EARLIER_THIS_WEEK,
    )
    assert _gaps(content_dirs) == []


@pytest.mark.parametrize(
    ("claim", "range_words"),
    [
        ("Romo filed it on Feb. 16, 2026.", "February 2026"),  # "mid-February"
        ("Romo filed it on Monday, Feb. 9, 2026.", "February 2026"),  # "Earlier in February"
    ],
)
def test_a_day_inside_a_declared_month_is_a_gap(
    content_dirs: tuple[Path, Path], claim: str, range_words: str
) -> None:
    _add_claim(
        content_dirs,
        claim,
        'epoch-times: "In a filing in mid-February, Romo wrote"',
        'epoch-times: "Earlier in February, an IRS official, Dottie Romo, issued a sworn '
        'statement"',
    )
    (problem,) = _gaps(content_dirs)
    assert f"is a single day inside {range_words}" in problem.message


def test_a_day_in_the_evidence_supports_the_week_it_falls_in(
    content_dirs: tuple[Path, Path],
) -> None:
    _add_claim(
        content_dirs,
        "The judge ruled in the week of Feb. 22, 2026.",
        'epoch-times: "A federal judge on Feb. 26 ruled"',
    )
    assert _gaps(content_dirs) == []


def test_a_correction_line_is_held_to_the_claims_quotes_with_its_own_line(
    content_dirs: tuple[Path, Path],
) -> None:
    line = _add_claim(content_dirs, "Dottie Romo issued a sworn statement.", ROMO_QUOTE)
    file = content_dirs[1] / "ruling.md"
    lines = file.read_text(encoding="utf-8").splitlines()
    lines.insert(line, "  ! Correction: It named Romo as an official of DHS in March 2025.")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _gaps(content_dirs)
    assert {(p.line, p.message.split(" is ")[0]) for p in problems} == {
        (line + 1, "name \u201cDHS\u201d (in the correction)"),
        (line + 1, "date \u201cMarch 2025\u201d (in the correction)"),
    }
    assert "correction: It named Romo" in str(problems[0])
    lines[line] = "  ! Correction: It named another official than Romo."
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _gaps(content_dirs) == []
