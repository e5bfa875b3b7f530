"""Paged replies: page 1 is the short answer, every page lists the source of every marker it
shows, together the pages carry the whole reply, and every page fits Slack and Discord.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.core.reply import Citation, Item, Reply, ReplyKind, Section
from bot.renderers.buttons import (
    DISCORD_ID_CHARS,
    SLACK_ID_CHARS,
    ButtonId,
    Role,
    navigation,
)
from bot.renderers.discord import render_discord_page
from bot.renderers.pages import FIRST_PAGE_CHARS, Paged, PageKind, paginate, version_of
from bot.renderers.slack import render_slack_page
from bot.settings import Settings
from tests.renderers import discord_limits, slack_limits
from tests.renderers.markers import Measured, measure_discord, measure_slack
from tests.renderers.strategies import cited_replies, replies

TOPICS = ["/ruling", "/numbers", "/status", "/timeline", "/who", "/sources"]
LINES = [*TOPICS, "/quote Romo", "/who Romo", "/who IRS", "/help", "/nothing"]
BASE = "https://brief.example.org"


@pytest.fixture
def linked(settings: Settings, clock: Callable[..., Any]) -> Dispatcher:
    return build_dispatcher(settings.model_copy(update={"public_url": BASE}), clock)


def items_of(reply: Reply) -> list[Item]:
    return [item for section in reply.sections for item in section.items]


def body_chars(reply: Reply) -> int:
    return sum(len(i.label or "") + len(i.text) for i in items_of(reply))


def assert_pages_carry_the_reply(paged: Paged) -> None:
    reply = paged.reply
    answers = [p for p in paged.pages if p.kind is PageKind.ANSWER]
    sources = [p for p in paged.pages if p.kind is PageKind.SOURCES]
    assert [p.number for p in paged.pages] == list(range(1, paged.count + 1))
    assert [i for p in answers for i in items_of(p.reply)] == items_of(reply)
    numbers = {c.number for c in reply.citations}
    for page in answers:
        shown = {n for item in items_of(page.reply) for n in item.cites}
        listed = {c.number for c in page.reply.citations}
        assert shown & numbers == listed  # every marker's source, and only those
        assert set(page.reply.citations) <= set(reply.citations)
    if len(answers) > 1 and reply.citations:
        assert [c for p in sources for c in p.reply.citations] == sorted(
            reply.citations, key=lambda c: c.number
        )
    else:
        assert not sources
    assert {c for p in paged.pages for c in p.reply.citations} >= {
        c for c in reply.citations if any(c.number in i.cites for i in items_of(reply))
    }


def assert_page_shown_whole(payload_measured: Measured, page_reply: Reply) -> None:
    assert payload_measured.unlisted == set()
    assert payload_measured.claims == len(items_of(page_reply))
    assert payload_measured.listed == {c.number for c in page_reply.citations}


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("links", [False, True], ids=["plain", "linked"])
def test_every_page_stands_on_its_own_on_both_platforms(
    dispatcher: Dispatcher, linked: Dispatcher, line: str, links: bool
) -> None:
    reply = (linked if links else dispatcher).run_line(line)
    paged = paginate(reply)
    assert_pages_carry_the_reply(paged)
    if reply.kind is ReplyKind.ANSWER and len(items_of(reply)) > 1:  # help and errors: one page
        assert body_chars(paged.page(1).reply) <= FIRST_PAGE_CHARS
    for number in range(1, paged.count + 1):
        page = paged.page(number).reply
        slack = render_slack_page(paged, number)
        slack_limits.assert_within_limits(slack)
        assert "left out" not in str(slack)
        discord = render_discord_page(paged, number)
        discord_limits.assert_within_limits(discord)
        assert "left out" not in str(discord)
        assert_page_shown_whole(measure_slack(slack), page)
        assert_page_shown_whole(measure_discord(discord), page)
        if not links:
            slack_limits.assert_inert(without_buttons(slack))
            discord_limits.assert_no_pings(discord)


def without_buttons(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "blocks": [b for b in payload["blocks"] if b["type"] != "actions"]}


@pytest.mark.parametrize("line", TOPICS)
def test_topics_are_paged_with_a_short_first_page(dispatcher: Dispatcher, line: str) -> None:
    paged = paginate(dispatcher.run_line(line))
    assert paged.count > 1
    assert paged.first_sources_page == paged.answer_pages + 1
    assert body_chars(paged.page(1).reply) <= FIRST_PAGE_CHARS


def test_a_continued_section_says_so(dispatcher: Dispatcher) -> None:
    paged = paginate(dispatcher.run_line("/sources"))
    headings = [s.heading for p in paged.pages for s in p.reply.sections]
    assert "Where the reports differ" in headings
    assert "Where the reports differ (continued)" in headings


def test_buttons_carry_command_page_version_and_fit_both_platforms(
    dispatcher: Dispatcher,
) -> None:
    reply = dispatcher.run_line("/ruling")
    paged = paginate(reply)
    for number in range(1, paged.count + 1):
        for limit in (SLACK_ID_CHARS, DISCORD_ID_CHARS):
            nav = navigation(paged, number, id_chars=limit)
            live = [b for b in nav.buttons if not b.disabled and b.id]
            for button in live:
                assert button.id
                assert len(button.id) <= limit
                made = ButtonId.decode(button.id)
                assert made is not None
                assert (made.command, made.version, made.options) == ("ruling", paged.version, ())
                if button.role is Role.NEXT:
                    assert made.page == number + 1
                if button.role is Role.PREVIOUS:
                    assert made.page == number - 1
                if button.role is Role.SOURCES:
                    assert made.page == paged.first_sources_page
                if button.role is Role.ANSWER:
                    assert made.page == 1
            roles = [b.role for b in nav.buttons]
            assert roles[:2] == [Role.PREVIOUS, Role.NEXT]
            assert (number == 1) == nav.buttons[0].disabled
            assert (number == paged.count) == nav.buttons[1].disabled
    components = render_discord_page(paged, 1)["components"]
    assert len(components) == 1
    assert len(components[0]["components"]) == 3
    actions = [b for b in render_slack_page(paged, 1)["blocks"] if b["type"] == "actions"]
    assert [e["text"]["text"] for e in actions[0]["elements"]] == ["Next \u203a", "Sources"]


def test_link_button_only_with_public_url(linked: Dispatcher, dispatcher: Dispatcher) -> None:
    paged = paginate(linked.run_line("/numbers"))
    buttons = render_discord_page(paged, 1)["components"][0]["components"]
    assert buttons[-1] == {
        "type": 2,
        "style": 5,
        "label": "Open on the web",
        "url": f"{BASE}/?topic=numbers#numbers",
    }
    slack = render_slack_page(paged, 1)
    web = [e for b in slack["blocks"] if b["type"] == "actions" for e in b["elements"]][-1]
    assert web["url"] == f"{BASE}/?topic=numbers#numbers"
    assert "Read this on the web" not in str(slack)  # the button replaces the context link
    one_page = paginate(dispatcher.run_line("/who Romo"))
    assert one_page.count == 1
    assert "components" not in render_discord_page(one_page, 1)


def test_options_ride_in_the_id_or_as_a_digest(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/who IRS")
    paged = paginate(reply)
    assert paged.count > 1
    assert reply.args == (("name", "IRS"),)
    made = ButtonId.decode(navigation(paged, 1, id_chars=100).buttons[1].id or "")
    assert made is not None
    assert made.options == (("name", "IRS"),)
    long = dataclasses.replace(reply, args=(("name", "Internal Revenue Service " * 5),))
    nav = navigation(paginate(long), 1, id_chars=DISCORD_ID_CHARS, value_chars=2000)
    button = nav.buttons[1]
    assert button.id
    assert len(button.id) <= DISCORD_ID_CHARS
    made = ButtonId.decode(button.id)
    assert made is not None
    assert made.options is None
    assert len(made.digest) == 12
    assert button.value.startswith("name=Internal%20Revenue")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "pg1",
        "pg1:ruling",
        "pg1:ruling:0:a4a36dcd:n:",
        "pg1:ruling:2:A4A36DCD:n:",
        "pg1:ruling:2:a4a36dcd:x:",
        "pg1:Ruling:2:a4a36dcd:n:",
        "pg1:ruling:99999:a4a36dcd:n:",
        "pg1:ruling:2:a4a36dcd:n:~zz",
        "pg1:who:2:a4a36dcd:n:%%%",
        "pg9:ruling:2:a4a36dcd:n:",
        "pg1:p:off",
        "pg1:w",
        "pg1:ruling:2:a4a36dcd:n:\n",
        "x" * 5000,
    ],
)
def test_forged_and_malformed_ids_decode_to_nothing(raw: str) -> None:
    assert ButtonId.decode(raw) is None


def test_an_id_pressed_again_is_not_read_again() -> None:
    raw = "pg1:who:2:d3ee40d5:n-es:name=Romo"
    made = ButtonId.decode(raw)
    assert made is not None
    assert ButtonId.decode(raw) is made  # kept (immutable, so shared)
    assert made.options == (("name", "Romo"),)
    assert made.lang == "es"


def test_version_follows_what_the_reply_says_not_its_date(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/numbers")
    assert version_of(reply) == version_of(dataclasses.replace(reply, warnings=("old",)))
    first = reply.sections[0]
    edited = Section(first.heading, (Item("Changed.", None, (1,)), *first.items[1:]))
    assert version_of(reply) != version_of(
        dataclasses.replace(reply, sections=(edited, *reply.sections[1:]))
    )


def test_one_giant_point_gets_a_page_of_its_own() -> None:
    giant = Item("word " * 900, cites=(1,))
    reply = Reply(
        "Big",
        (Section("S", (Item("short", cites=(1,)), giant, Item("after"))),),
        (Citation(1, "s", "S", "q"),),
        command="ruling",
    )
    paged = paginate(reply)
    assert [len(items_of(p.reply)) for p in paged.pages if p.kind is PageKind.ANSWER] == [1, 1, 1]
    assert_pages_carry_the_reply(paged)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cited_replies())
def test_random_replies_page_whole_and_every_page_fits(reply: Reply) -> None:
    paged = paginate(reply)
    assert_pages_carry_the_reply(paged)
    for number in range(1, paged.count + 1):
        slack = render_slack_page(paged, number)
        slack_limits.assert_within_limits(slack)
        assert measure_slack(slack).unlisted == set()
        discord = render_discord_page(paged, number)
        discord_limits.assert_within_limits(discord)
        assert measure_discord(discord).unlisted == set()
        for row in discord.get("components", []):
            assert len(row["components"]) <= 5
            assert all(len(b.get("custom_id", "")) <= DISCORD_ID_CHARS for b in row["components"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies())
def test_any_reply_pages_within_limits(reply: Reply) -> None:
    paged = paginate(reply)
    for number in range(1, min(paged.count, 4) + 1):
        slack_limits.assert_within_limits(render_slack_page(paged, number))
        discord_limits.assert_within_limits(render_discord_page(paged, number))
