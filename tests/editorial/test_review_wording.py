"""The word rules behind `review`'s possible contradictions, and how it reads dates and people.

Each rule on the real reports' own words (bot/editorial/review/wording.py,
relative_dates.py, bot/editorial/matching.py).
"""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.declarations import load_declarations
from bot.content.facts import fold
from bot.content.sources import SourceMeta, load_sources, parse_source
from bot.content.summaries import load_topics
from bot.editorial import matching as m
from bot.editorial.review import Reviewer, claim_refs, extract_facts
from bot.editorial.review import wording as w
from bot.editorial.review.relative_dates import first_week_day, week_start
from tests.editorial.one_report import ROOT


def _titles(text: str) -> dict[str, str]:
    folded = fold(text)
    return {p.text: t.text for p, t in w.titles(folded, extract_facts(text)).items()}


def test_a_title_before_beside_or_in_a_name() -> None:
    assert _titles(
        "Earlier in February, an IRS official, Dottie Romo, issued a sworn statement"
    ) == {"Dottie Romo": "IRS official"}
    assert _titles(
        "a court filing submitted this month by Dottie Romo, the IRS’ chief risk and control "
        "officer, which disclosed"
    ) == {"Dottie Romo": "IRS' chief risk and control officer"}
    assert _titles("In declining the request, Judge Harry Edwards wrote") == {
        "Judge Harry Edwards": "Judge"
    }


def test_purposes_compare_by_their_verbs() -> None:
    [bid] = w.purposes(
        "an agreement between the two agencies in a bid to identify illegal immigrants"
    )
    [aimed] = w.purposes("agreement between the IRS and DHS aimed at identifying immigrants")
    [designed] = w.purposes("an arrangement designed to locate and remove immigrants living here")
    assert bid.key == aimed.key
    assert not bid.key & designed.key
    assert designed.text.startswith("designed to locate and remove")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "ruled that the IRS acted illegally by disclosing taxpayer information",
            "acted illegally",
        ),
        (
            "the Internal Revenue Service violated federal law by improperly sharing",
            "violated federal law",
        ),
        (
            "the IRS violated a confidentiality law “approximately 42,695 times",
            "violated a confidentiality law",
        ),
        ("the agency breached IRS Code 6103, among the most stringent", "breached IRS Code 6103"),
        ("said the IRS erred when it shared", "erred"),
    ],
)
def test_a_finding_is_its_verb_and_what_was_violated(text: str, finding: str) -> None:
    assert [f.text for f in w.findings(fold(text))] == [finding]


def test_the_verb_after_a_name_and_its_tense() -> None:
    text = "Homeland Security Secretary Kristi Noem permits ICE to submit names"
    noem = next(f for f in extract_facts(text) if "Noem" in f.text)
    verb = w.verb_after(text, noem)
    assert verb is not None
    assert verb.text == "permits"
    assert w.tense("permits") == "present"
    assert w.tense("allowed") == "past"


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Judge Harry T. Edwards", True),
        ("Treasury Secretary Scott Bessent", True),
        ("Department of Homeland Security", False),
        ("Internal Revenue Service", False),
        ("Treasury Department", False),
        ("Centro de Trabajadores Unidos", False),
        ("Associated Press", False),
    ],
)
def test_organisations_are_not_people(name: str, person: bool) -> None:
    last = name.rsplit(maxsplit=1)[-1]
    [fact] = [f for f in extract_facts(f"Said by {name} today.") if f.text.endswith(last)]
    assert m.is_person(fact) is person


def test_an_agreement_named_by_its_two_parties_with_a_hyphen() -> None:
    for text, parties in (
        ("contesting the IRS-DHS information-sharing arrangement.", ("IRS", "DHS")),
        ("to stop implementation of the IRS–ICE agreement.", ("IRS", "ICE")),
        ("blocked the data-sharing agreement between ICE and the IRS", ("ICE", "IRS")),
    ):
        [(head, a, b)] = m.between_pairs(fold(text), extract_facts(text))
        assert (head, a.text, b.text) == ("agreement", *parties)
    assert m.between_pairs("the IRS-DHS talks", extract_facts("the IRS-DHS talks")) == []


def test_a_reports_week_starts_on_sunday_as_cldr_says_for_the_united_states() -> None:
    assert first_week_day("en_US") == 6  # Sunday
    assert week_start(date(2026, 2, 28)) == date(2026, 2, 22)  # Saturday -> Sunday before
    assert week_start(date(2026, 2, 22)) == date(2026, 2, 22)
    assert week_start(date(2026, 2, 28), "de_DE") == date(2026, 2, 23)  # Monday elsewhere


_SWAPS = (
    ("47,000", "48,000"),
    ("Harry T. Edwards", "Harry Edwards"),
    ("ICE", "DHS"),
    ("Thursday", "Friday"),
    ("last April", "last May"),
    ("identify", "deport"),
    ("official", "commissioner"),
    ("allowed", "allows"),
)


def _reviewer() -> tuple[Reviewer, list[str]]:
    topics, _ = load_topics(ROOT / "summaries")
    declarations, _ = load_declarations(ROOT / "summaries")
    reviewer = Reviewer(
        claim_refs(topics, "new"), m.Names(declarations.aliases), declarations.dates
    )
    sentences, _ = load_sources(ROOT / "seeds")
    return reviewer, [s.text for src in sentences for s in src.reporting_sentences()]


_REVIEWER, _SENTENCES = _reviewer()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.integers(0, len(_SENTENCES) - 1), min_size=1, max_size=6),
    swaps=st.lists(st.integers(0, len(_SWAPS) - 1), max_size=3),
    dated=st.booleans(),
)
def test_any_mix_of_the_reports_sentences_is_reviewed_and_quoted_verbatim(
    picks: list[int], swaps: list[int], dated: bool
) -> None:
    text = "\n".join(_SENTENCES[i] for i in picks)
    for k in swaps:
        text = text.replace(*_SWAPS[k])
    meta = SourceMeta(
        id="new",
        label="New",
        **({"published": date(2026, 3, 3), "published_quote": "x"} if dated else {}),
    )
    review = _REVIEWER.review(parse_source(Path("new.txt"), text + "\n", meta), 6)
    for sentence in review.sentences:
        for c in sentence.contradicts + sentence.possible:
            quoted = c.quote_line.split('"', 1)[1].rsplit('"', 1)[0]
            assert quoted in sentence.text
            assert c.claim not in c.also
        asserted = {(c.claim, c.here) for c in sentence.contradicts}
        assert not any((p.claim, p.here) in asserted for p in sentence.possible)
        assert all(r.resolved is None or r.basis for r in sentence.relative_dates)
