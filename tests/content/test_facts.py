"""Word-level fact extraction: what a sentence states, each fact with its normalised form."""

import pytest

from bot.content.facts import (
    Kind,
    PartialDate,
    contains_words,
    dates,
    extract_facts,
    figures,
    names,
    normalize_name,
    parse_date,
    quoted_phrases,
    strip_titles,
)


def norms(facts: list) -> list[str]:
    return [f.norm for f in facts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("violated the law approximately 42,695 times", ["42695"]),
        ("a total of 1.28 million people", ["1280000"]),
        ("for about 47,000 taxpayers", ["47000"]),
        ("In Thursday's 13-page opinion", ["13"]),
        ("a three-judge panel", ["3"]),
        ("two distinct court orders", ["2"]),
        ("rose 12 percent, then 12.5%", ["12%", "12.5%"]),
        ("a $1.5 billion fine and $300", ["$1500000000", "$300"]),
        ("A 1040 IRS tax form", ["1040"]),
    ],
)
def test_figures_are_normalised(text: str, expected: list[str]) -> None:
    assert norms(figures(text)) == expected


def test_figures_inside_dates_and_names_are_not_figures() -> None:
    assert figures("On Feb. 26, 2026 the agency breached IRS Code 6103.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A federal judge on Feb. 26, 2026 ruled", ["2026-02-26"]),
        ("A federal judge on Feb. 26 ruled", ["--02-26"]),
        ("The IRS in Washington on Jan. 6, 2026.", ["2026-01-06"]),
        ("blocked it in November 2025", ["2025-11"]),
        ("In November, the judge", ["--11"]),
        ("In Thursday\u2019s 13-page opinion", ["thursday"]),
        ("A federal judge ruled Thursday that", ["thursday"]),
        ("Thu. Feb. 26, 2026: the ruling", ["2026-02-26"]),
        ("a filing submitted this month", ["this month"]),
        ("Earlier this week, a panel", ["earlier this week"]),
        ("signed last April by", ["last april"]),
        ("In a filing in mid-February, Romo wrote", ["--02"]),
        ("date 2026-02-28 Authored by", ["2026-02-28"]),
        ("in 2025 and 2026", ["2025", "2026"]),
    ],
)
def test_dates_are_normalised(text: str, expected: list[str]) -> None:
    assert norms(dates(text)) == expected


def test_may_alone_is_not_a_date() -> None:
    assert dates("May the court decide?") == []
    assert norms(dates("on May 4, 2025")) == ["2025-05-04"]


def test_a_full_date_covers_its_parts_and_weekday() -> None:
    ruling = parse_date("Feb. 26, 2026")
    assert ruling == PartialDate(2026, 2, 26)
    for part in ("February 2026", "Feb. 26", "2026", "Thursday", "February"):
        found = parse_date(part)
        assert found is not None, part
        assert ruling.covers(found), part
    assert not ruling.covers(PartialDate(2026, 2, 27))
    assert not ruling.covers(PartialDate(weekday=4))  # Friday
    assert not ruling.covers(PartialDate(relative="this week"))
    assert not PartialDate(month=2).covers(PartialDate(2026, 2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "U.S. District Judge Colleen Kollar-Kotelly said the IRS erred",
            ["u.s. district judge colleen kollar-kotelly", "irs"],
        ),
        ("Dottie Romo, the IRS\u2019 chief risk and control officer", ["dottie romo", "irs"]),
        ("the agency breached IRS Code 6103, among", ["irs code 6103"]),
        (
            "a panel for the U.S. Court of Appeals for the D.C. Circuit declined",
            ["u.s. court of appeals for the d.c. circuit"],
        ),
        (
            "the immigrants\u2019 rights group, Centro de Trabajadores Unidos, and",
            ["centro de trabajadores unidos"],
        ),
        ("Judge Harry T. Edwards stated", ["judge harry t. edwards"]),
        ("to stop implementation of the IRS\u2013ICE agreement.", ["irs", "ice"]),
        ("Kollar-Kelly cited Romo\u2019s statement", ["kollar-kelly", "romo"]),
        ("per The Epoch Times", ["epoch times"]),
        ("Department of Homeland Security (DHS)", ["department of homeland security", "dhs"]),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert norms(names(text)) == expected


def test_ordinary_words_starting_a_sentence_are_not_names() -> None:
    text = (
        "Multiple ongoing legal challenges exist. Nevertheless, two orders stand. Officials "
        "declined."
    )
    assert names(text) == []


def test_a_sentence_initial_name_counts_when_shaped_or_known() -> None:
    assert norms(names("ICE asked. Romo wrote it.")) == ["ice"]
    assert norms(names("ICE asked. Romo wrote it.", known_names=frozenset({"romo"}))) == [
        "ice",
        "romo",
    ]
    assert norms(names("Kollar-Kotelly ruled.")) == ["kollar-kotelly"]


def test_quoted_phrases_fold_typography_and_mark_what_they_hold() -> None:
    text = (
        "calling it a \u201csignificant development\u201d worth 42,695 and \u201cICE\u2019s "
        "request\u201d"
    )
    assert norms(quoted_phrases(text)) == ["significant development", "ice's request"]
    facts = extract_facts(text)
    assert [(f.kind, f.quoted) for f in facts if f.kind is not Kind.QUOTE] == [
        (Kind.FIGURE, False),
        (Kind.NAME, True),
    ]


def test_offsets_point_at_the_words_as_written() -> None:
    text = "On Feb. 26 the IRS\u2019 1.28 million \u201cpeople\u201d"
    for fact in extract_facts(text):
        assert text[fact.start : fact.end].replace("\u2019", "'") == fact.text


def test_name_helpers() -> None:
    assert normalize_name("The IRS\u2019") == "irs"
    assert normalize_name("Romo's") == "romo"
    assert strip_titles("judge harry t. edwards") == "harry t. edwards"
    assert strip_titles("judge") == "judge"
    assert contains_words("the ice agency", "ice")
    assert not contains_words("the officer said", "ice")
    assert not contains_words("kollar-kotelly", "kollar")


def test_a_figure_keeps_the_hedge_written_before_it() -> None:
    found = figures("approximately 42,695 times; more than 42,000 times; 47,000 people; about $300")
    assert [(f.norm, f.hedge) for f in found] == [
        ("42695", "approximately"),
        ("42000", "more than"),
        ("47000", None),
        ("$300", "about"),
    ]
