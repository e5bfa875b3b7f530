"""Recap posters draw each Reply once for a whole fan-out, and keep only the latest few."""

import pytest

from bot.core.reply import Reply
from bot.platforms.discord import poster as discord_poster
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.slack import poster as slack_poster
from bot.platforms.slack.poster import SlackPoster

POSTERS = [
    pytest.param(
        lambda: SlackPoster("xoxb-t", "http://127.0.0.1:1/api/"), slack_poster, id="slack"
    ),
    pytest.param(
        lambda: DiscordPoster("t", "http://127.0.0.1:1/api/v10"), discord_poster, id="discord"
    ),
]


@pytest.mark.parametrize(("make", "module"), POSTERS)
def test_one_reply_is_rendered_once_for_every_channel(make, module) -> None:  # type: ignore[no-untyped-def]
    poster = make()
    recap, other = Reply("Daily recap"), Reply("Another recap")
    first = poster._render(recap)
    assert poster._render(recap) is first  # the second channel reuses it
    assert poster._render(other) is not first
    assert poster._render(other) == poster._render(other)
    for n in range(module.RENDERED_KEPT):  # a long run of other replies: the first one goes
        poster._render(Reply(f"recap {n}"))
    again = poster._render(recap)
    assert again is not first
    assert again == first


@pytest.mark.parametrize(("make", "module"), POSTERS)
def test_a_reply_drawn_after_another_was_freed_is_its_own(make, module) -> None:  # type: ignore[no-untyped-def]
    """Replies are remembered by identity: a new reply must never get a freed one's drawing."""
    poster = make()
    for n in range(3 * module.RENDERED_KEPT):  # each freed at once, as a fan-out's reply is
        assert f"recap {n}" in str(poster._render(Reply(f"recap {n}")))
