"""Each command's reply carries its key facts, each backed by the right citations."""

import pytest

from bot.core.dispatch import Dispatcher
from bot.core.reply import Reply, ReplyKind


def _cited_by(reply: Reply, needle: str) -> set[str]:
    """Source ids cited by the item whose text or label contains ``needle``."""
    by_number = {c.number: c.source_id for c in reply.citations}
    for section in reply.sections:
        for item in section.items:
            if needle in f"{item.label or ''} {item.text}":
                return {by_number[n] for n in item.cites}
    msg = f"no item mentions {needle!r}"
    raise AssertionError(msg)


BOTH = {"epoch-times", "washington-report"}


def test_numbers_carry_each_key_figure_with_citations(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/numbers")
    labels = {f.label for f in reply.figures}
    assert {"About 42,695", "About 47,000", "1.28 million", "2"} <= labels
    assert _cited_by(reply, "About 42,695") == BOTH
    assert _cited_by(reply, "1.28 million") == BOTH
    assert "differ on who asked" in next(f.text for f in reply.figures if f.label == "1.28 million")
    quotes = {c.quote for c in reply.citations}
    assert "approximately 42,695 times by disclosing last known taxpayer addresses to ICE" in quotes


def test_ruling_names_judge_date_and_count(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/ruling")
    assert _cited_by(reply, "Feb. 26, 2026, U.S. District Judge Colleen Kollar-Kotelly") == BOTH
    assert _cited_by(reply, "IRS Code 6103") == BOTH  # the reports name the law differently


def test_status_reports_the_injunctions_and_the_appeal(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/status")
    # The Washington report's account; what The Epoch Times reports instead is cited too, as an
    # attribution to a source must be (the support check holds claims to it).
    assert _cited_by(reply, "remain active") == BOTH
    assert _cited_by(reply, "week of Feb. 22, 2026") == BOTH


def test_timeline_resolves_relative_dates(dispatcher: Dispatcher) -> None:
    labels = [f.label for f in dispatcher.run_line("/timeline").figures]
    assert labels == [
        "April 2025",
        "November 2025",
        "January 2026",
        "Mid-February 2026",
        "Week of Feb. 22, 2026",
        "Thu. Feb. 26, 2026",
    ]


def test_who_lists_everyone_and_filters_by_name(dispatcher: Dispatcher) -> None:
    everyone = {f.label for f in dispatcher.run_line("/who").figures}
    assert {"Colleen Kollar-Kotelly", "Dottie Romo", "Centro de Trabajadores Unidos"} <= everyone
    assert [f.label for f in dispatcher.run_line("/who romo").figures] == ["Dottie Romo"]
    nobody = dispatcher.run_line("/who Nobody Here")
    assert nobody.citations == ()
    assert "No one in the sources matches" in nobody.sections[0].items[0].text


def test_sources_lists_metadata_and_differences(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/sources")
    listing = reply.sections[0].items
    assert [i.label for i in listing] == [
        "The Epoch Times (Jack Phillips), Feb. 28, 2026",
        "Undated WASHINGTON report (outlet not stated)",
    ]
    assert "Outlet: not stated" in listing[1].text
    assert "URL: not stated" in listing[1].text
    assert 'Date: Feb. 28, 2026. The text shows only "date 2026-02-28"' in listing[0].text
    assert "Date: not stated; not before Feb. 26, 2026." in listing[1].text
    assert any(s.heading == "Where the reports differ" for s in reply.sections)


def test_sources_says_what_the_text_shows(dispatcher: Dispatcher) -> None:
    """Each part of a report's description is a sentence ("Thursday". once, never ".;"); the
    printed date is not called a publication date the text never states; and Harry T.
    Edwards is not called "the appeals judge" (neither report says he sat on the panel).
    """
    reply = dispatcher.run_line("/sources")
    text = " ".join(f"{i.label or ''} {i.text}" for s in reply.sections for i in s.items)
    assert '".;' not in text
    assert '"Thursday". Dateline: WASHINGTON.' in text
    assert "Published" not in text
    assert "on the line that marks it as republished" in text
    assert "appeals judge" not in text
    assert "neither says in so many words that he sat on that panel" in text
    who = dispatcher.run_line("/who Edwards").sections[0].items[0].text
    assert "do not say in so many words that he sat on it" in who


def test_quote_returns_ranked_verbatim_cited_sentences(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/quote patently deficient")
    first = reply.sections[0].items[0]
    assert "patently deficient" in first.text
    assert reply.citations[0].quote == first.text  # the sentence is its own verbatim citation


def test_quote_with_no_match_says_so_clearly(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/quote xylophone zebra")
    assert reply.citations == ()
    assert "Nothing in the 2 sources matches" in reply.sections[0].items[0].text


@pytest.mark.parametrize(
    "name", ["ruling", "numbers", "status", "timeline", "who", "sources", "quote"]
)
def test_help_lists_every_command_with_its_options(dispatcher: Dispatcher, name: str) -> None:
    reply = dispatcher.run_line("/help")
    assert reply.kind is ReplyKind.HELP
    entries = {item.label: item.text for item in reply.sections[1].items}
    assert any(label.startswith(f"/{name}") for label in entries)
    assert "/quote <words>" in entries
    assert "`words`: the words to look for" in entries["/quote <words>"]
    assert "public" in (reply.footer or "")


def test_help_for_one_command(dispatcher: Dispatcher) -> None:
    assert dispatcher.run_line("/help quote").title == "Help: /quote"
    assert "Did you mean `quote`?" in dispatcher.run_line("/help quot").sections[0].items[0].text
