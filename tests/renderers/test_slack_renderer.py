from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from bot.core.dispatch import Dispatcher
from bot.core.reply import AsOf, Citation, Item, Reply, Section
from bot.renderers.slack import render_slack
from tests.renderers.slack_limits import assert_inert, assert_within_limits
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
        "/status public",
    ],
)
def test_every_shipped_reply_fits_and_is_inert(dispatcher: Dispatcher, line: str) -> None:
    payload = render_slack(dispatcher.run_line(line))
    assert_within_limits(payload)
    assert_inert(payload)


def test_visibility_follows_the_public_flag(dispatcher: Dispatcher) -> None:
    assert render_slack(dispatcher.run_line("/status"))["response_type"] == "ephemeral"
    assert render_slack(dispatcher.run_line("/status public"))["response_type"] == "in_channel"


def test_figures_are_fields_and_citations_numbered_context(dispatcher: Dispatcher) -> None:
    blocks = render_slack(dispatcher.run_line("/numbers"))["blocks"]
    fields = [f["text"] for b in blocks if b["type"] == "section" for f in b.get("fields", [])]
    assert fields[0].startswith("*About 42,695*\n")
    assert fields[0].endswith("[1][2]")
    contexts = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert contexts[0].startswith("[1] _The Epoch Times")
    assert any(t.startswith("As of Feb. 28, 2026") for t in contexts)


def test_user_text_cannot_mention_or_link(dispatcher: Dispatcher) -> None:
    payload = render_slack(
        dispatcher.run_line("/quote <!channel> @here <@U123> <#C1> <https://x.io|y> evil.com")
    )
    assert_inert(payload)
    assert "&lt;" in str(payload)


def test_oversized_reply_is_cut_with_a_pointer() -> None:
    items = tuple(Item(f"item {i} " + "word " * 500, cites=(1,)) for i in range(200))
    reply = Reply(
        "Big", (Section("S", items),), (Citation(1, "s", "S", "q " * 3),), AsOf(date(2026, 1, 1))
    )
    payload = render_slack(reply)
    assert_within_limits(payload)
    assert "left out to fit Slack" in str(payload["blocks"][-1])


@settings(max_examples=150, deadline=None)
@given(replies())
def test_random_replies_never_exceed_a_limit_or_go_live(reply: Reply) -> None:
    payload = render_slack(reply)
    assert_within_limits(payload)
    assert_inert(payload)


# The dispatcher holds no per-request state, so one instance may serve every example.
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=user_text)
def test_random_user_text_through_the_real_command_is_inert(
    dispatcher: Dispatcher, text: str
) -> None:
    payload = render_slack(dispatcher.run_line(f"/quote {text}"))
    assert_within_limits(payload)
    assert_inert(payload)
