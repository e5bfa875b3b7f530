from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from bot.core.dispatch import Dispatcher
from bot.core.reply import AsOf, Citation, Item, Reply, Section
from bot.renderers.discord import render_discord
from tests.renderers.discord_limits import assert_no_pings, assert_within_limits
from tests.renderers.strategies import replies, user_text


@pytest.mark.parametrize(
    "line",
    [
        "/ruling",
        "/numbers",
        "/status",
        "/timeline",
        "/who",
        "/sources",
        "/help",
        "/quote Romo",
        "/nothing",
    ],
)
def test_every_shipped_reply_fits_and_pings_nobody(dispatcher: Dispatcher, line: str) -> None:
    payload = render_discord(dispatcher.run_line(line))
    assert_within_limits(payload)
    assert_no_pings(payload)


def test_figures_are_fields_citations_follow_and_as_of_is_in_the_footer(
    dispatcher: Dispatcher,
) -> None:
    embeds = render_discord(dispatcher.run_line("/numbers"))["embeds"]
    assert embeds[0]["fields"][0]["name"] == "About 42,695"
    assert embeds[1]["title"] == "Sources"
    assert embeds[1]["description"].startswith("\\[1\\] *The Epoch Times")
    assert embeds[-1]["footer"]["text"].startswith("As of Feb. 28, 2026")


def test_private_by_default_public_on_request(dispatcher: Dispatcher) -> None:
    assert render_discord(dispatcher.run_line("/status"))["flags"] == 64
    assert render_discord(dispatcher.run_line("/status public"))["flags"] == 0


def test_oversized_reply_is_cut_with_a_pointer() -> None:
    items = tuple(Item("word " * 400, label=f"L{i}", cites=(i,)) for i in range(60))
    citations = tuple(Citation(i, "s", "Source", "quote " * 100) for i in range(1, 200))
    payload = render_discord(
        Reply("Big", (Section("S", items),), citations, AsOf(date(2026, 1, 1)))
    )
    assert_within_limits(payload)
    assert "left out to fit Discord" in payload["embeds"][-1]["footer"]["text"]


@settings(max_examples=150, deadline=None)
@given(replies())
def test_random_replies_never_exceed_a_limit_or_ping(reply: Reply) -> None:
    payload = render_discord(reply)
    assert_within_limits(payload)
    assert_no_pings(payload)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=user_text)
def test_random_user_text_through_the_real_command_pings_nobody(
    dispatcher: Dispatcher, text: str
) -> None:
    payload = render_discord(dispatcher.run_line(f"/quote {text}"))
    assert_within_limits(payload)
    assert_no_pings(payload)
