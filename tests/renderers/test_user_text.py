"""User text is shown inert on every surface: as typed, never formatting, never steering a terminal.

Formatting: what a user types (``*bold*``, ``~strike~``, backticks, ``_it_``, ``>`` quotes)
must not format a reply, least of all one posted for the channel with ``public``.
Control characters and direction overrides are neutralised in every renderer's output.
"""

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.dispatch import Dispatcher
from bot.core.reply import Item, Reply, Section
from bot.renderers.discord import render_discord
from bot.renderers.json import render_json
from bot.renderers.slack import render_slack
from bot.renderers.text import render_text
from tests.renderers.slack_limits import assert_within_limits
from tests.renderers.strategies import replies, user_text

FORMATTING = ["*bold*", "~strike~", "`code`", "```block```", "_it_", ">quoted", "*_~`mixed`~_*"]
# Lines that echo the user's words back: no match, unknown name, unknown command.
ECHOING = ["/quote {} public", "/who {} public", "/status {}"]
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
CONTROLS = [
    "\x1b[2J\x1b]0;pwned\x07",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "\x00nul",
    "\x9bcsi",
    "\u200fmark",
    "a\u2028b",
]


def slack_text_objects(payload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload["blocks"])
    return found


@pytest.mark.parametrize("line", ECHOING)
@pytest.mark.parametrize("typed", FORMATTING)
def test_slack_shows_typed_formatting_as_plain_text(
    dispatcher: Dispatcher, line: str, typed: str
) -> None:
    payload = render_slack(dispatcher.run_line(line.format(typed)))
    assert_within_limits(payload)
    shown = [t for t in slack_text_objects(payload) if typed.strip("> ") in t["text"]]
    assert shown, "the reply echoes the user's words"
    assert all(t["type"] == "plain_text" for t in shown), shown
    assert not any(
        marker in payload["text"] for marker in "*_~`"
    )  # the notification text is mrkdwn


@pytest.mark.parametrize("line", ECHOING)
@pytest.mark.parametrize("typed", FORMATTING)
def test_discord_escapes_typed_formatting(dispatcher: Dispatcher, line: str, typed: str) -> None:
    embeds = render_discord(dispatcher.run_line(line.format(typed)))["embeds"]
    texts = [e.get(k, "") for e in embeds for k in ("title", "description")]
    texts += [f["value"] for e in embeds for f in e.get("fields", [])]
    core = typed.strip("> ")
    assert not any(core in t for t in texts if re.search(r"[*_~`]", core)), texts


def test_public_post_of_user_text_is_plain(dispatcher: Dispatcher) -> None:
    payload = render_slack(dispatcher.run_line("/quote *everyone* ~look~ `here` public"))
    assert payload["response_type"] == "in_channel"
    assert all(
        t["type"] == "plain_text" for t in slack_text_objects(payload) if "everyone" in t["text"]
    )


@pytest.mark.parametrize("typed", CONTROLS)
def test_controls_and_direction_overrides_are_neutralised_everywhere(
    dispatcher: Dispatcher, typed: str
) -> None:
    for line in ("/quote {}", "/who {}", "/nosuch{}"):
        reply = dispatcher.run_line(line.format(typed))
        assert not UNSAFE.search(render_text(reply))
        assert not UNSAFE.search(json.dumps(render_slack(reply), ensure_ascii=False))
        assert not UNSAFE.search(json.dumps(render_discord(reply), ensure_ascii=False))
        out = render_json(reply)
        assert not UNSAFE.search(out.replace("\n", ""))
        assert json.loads(out)["title"] == reply.title  # escaped, not changed


@st.composite
def user_items(draw: st.DrawFn) -> Reply:
    text = draw(user_text | st.text(st.characters(codec="utf-8"), max_size=200))
    label = draw(st.none() | user_text)
    return Reply(
        title=draw(user_text), sections=(Section(None, (Item(text, label, user_text=True),)),)
    )


@settings(max_examples=200, deadline=None)
@given(user_items())
def test_random_user_items_are_plain_text_on_slack(reply: Reply) -> None:
    payload = render_slack(reply)
    assert_within_limits(payload)
    body = [
        t
        for b in payload["blocks"]
        if b["type"] == "section"
        for t in [b.get("text"), *b.get("fields", [])]
        if t
    ]
    assert body
    assert all(t["type"] == "plain_text" for t in body)


hostile_text = st.text(st.characters(codec="utf-8"), max_size=300) | user_text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(replies(), hostile_text)
def test_no_renderer_outputs_a_control_or_direction_character(reply: Reply, extra: str) -> None:
    reply = Reply(
        title=reply.title + extra,
        sections=(*reply.sections, Section(extra, (Item(extra, user_text=True),))),
        citations=reply.citations,
        warnings=(*reply.warnings, extra),
        footer=reply.footer,
    )
    assert not UNSAFE.search(render_text(reply))
    assert not UNSAFE.search(json.dumps(render_slack(reply), ensure_ascii=False))
    assert not UNSAFE.search(json.dumps(render_discord(reply), ensure_ascii=False))
    assert not UNSAFE.search(render_json(reply).replace("\n", ""))
