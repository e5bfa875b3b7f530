"""What an update post says: the changes from the version a channel was told of to the one
announced, compared end to end, corrections first with what was wrong, every claim cited,
"as of", the page of every change, one message on Slack and Discord whatever the burst.
"""

from datetime import UTC, date, datetime

from bot.content.store import Content
from bot.core.dispatch import Dispatcher
from bot.recaps.compose import fits_one_message
from bot.updates.compose_update import changes_url, compose_update, span
from bot.updates.versions import ClaimSnapshot, ContentVersion

WHEN = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
QUOTE = ("washington-report", "While the government is challenging the case on appeal")


def claim(key: str, text: str, correction: str | None = None) -> ClaimSnapshot:
    return ClaimSnapshot(key, "status", "Appeals", text, (QUOTE,), correction)


def version(number: int, *claims: ClaimSnapshot, sources: tuple[str, ...] = ()) -> ContentVersion:
    return ContentVersion(number, f"h{number}", WHEN, date(2026, 2, 28), claims, sources)


APPEAL = claim("status-government-appeal", "The government is appealing.")
PANEL = claim("status-panel-declined", "A panel declined an injunction.")


def items(update_reply) -> list[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    return [(i.label, i.text) for s in update_reply.sections for i in s.items]


def test_a_burst_is_compared_end_to_end() -> None:
    v1 = version(1, APPEAL)
    v2 = version(2, claim(APPEAL.key, "The government is appealing, the report says."))
    v3 = version(3, claim(APPEAL.key, "The government appeals, the report says."), PANEL)
    v4 = version(4, claim(APPEAL.key, "The government appeals, the report says."))  # panel gone
    update = span([v1, v2, v3, v4], 1, 4)
    assert [(t.change.kind, t.change.key) for t in update.told] == [("changed", APPEAL.key)]
    assert update.told[0].change.before == APPEAL  # what the channel was told
    assert update.told[0].change.after == v4.claims[0]  # what is true now
    assert span([v1, v2, v3, v4], 1, 1).empty  # nothing after the version told


def test_a_correction_declared_in_the_burst_stays_with_its_claim_and_comes_first() -> None:
    v1 = version(1, APPEAL, PANEL)
    v2 = version(2, claim(APPEAL.key, "The government appeals.", "It said appealing."), PANEL)
    v3 = version(
        3,
        claim(APPEAL.key, "The government appeals now."),  # the line taken out again
        claim(PANEL.key, "A panel declined to issue an injunction."),
    )
    update = span([v1, v2, v3], 1, 3)
    assert [(t.change.key, t.correction) for t in update.told] == [
        (APPEAL.key, "It said appealing."),
        (PANEL.key, None),
    ]


def test_the_post_says_what_changed_cited_and_dated(dispatcher: Dispatcher) -> None:
    content: Content = dispatcher.store.current
    v1 = version(1, APPEAL, PANEL)
    v2 = version(
        2,
        claim(APPEAL.key, "The government appeals.", "It said appealing."),
        claim("status-new", "Something new."),
        sources=("epoch-times",),
    )
    reply = compose_update(span([v1, v2], 1, 2), content, public_url="https://brief.example.org")
    assert reply.title == "The brief changed: March 10, 2026"
    assert items(reply) == [
        ("Correction", "The government appeals. What was wrong: It said appealing."),
        ("Added", "Something new."),
        ("Withdrawn", "A panel declined an injunction."),
        ("New source", "The Epoch Times (Jack Phillips), Feb. 28, 2026"),
    ]
    assert [i.key for s in reply.sections for i in s.items][:3] == [
        APPEAL.key,
        "status-new",
        PANEL.key,
    ]
    assert {c.source_id for c in reply.citations} == {"washington-report"}
    assert all(i.cites for s in reply.sections for i in s.items if i.label != "New source")
    assert reply.as_of is not None
    assert reply.as_of.date == date(2026, 2, 28)
    assert reply.url == "https://brief.example.org/changes"
    assert reply.footer is not None
    assert "https://brief.example.org/changes" in reply.footer
    assert changes_url("https://brief.example.org/", "es") == "https://brief.example.org/es/changes"
    assert changes_url(None, "en") is None


def test_a_burst_too_big_for_one_message_says_how_many_more(dispatcher: Dispatcher) -> None:
    content: Content = dispatcher.store.current
    many = [claim(f"status-c{n}", f"Claim number {n}. " + "Long words. " * 60) for n in range(40)]
    update = span([version(1), version(2, *many)], 1, 2)
    reply = compose_update(update, content)
    assert fits_one_message(reply)
    shown = [i for s in reply.sections for i in s.items if i.label == "Added"]
    assert 0 < len(shown) < len(many)
    last = reply.sections[-1].items[-1].text
    assert f"...and {len(many) - len(shown)} more changes: see /sources." == last
