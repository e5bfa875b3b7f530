"""A recap is one message on either platform, every marker's source listed in it: when the
brief outgrows a message, the last key numbers and status points are left to /status and
/numbers, said in the footer, and nothing is cut mid-citation.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.content.store import load_content
from bot.recaps.compose import compose
from bot.renderers.discord import render_discord
from bot.renderers.slack import render_slack
from tests.renderers import discord_limits, slack_limits
from tests.renderers.markers import measure_discord, measure_slack

WHEN = datetime(2026, 3, 10, 14, tzinfo=UTC)


def test_todays_recap_is_whole_on_both_platforms(content_dirs: tuple[Path, Path]) -> None:
    reply, _ = compose(load_content(*content_dirs), None, WHEN)
    assert reply.footer == "Recaps: /recap list shows this channel's schedule."
    for payload, seen in (
        (render_slack(reply), measure_slack),
        (render_discord(reply), measure_discord),
    ):
        assert "left out" not in str(payload)
        assert seen(payload).unlisted == set()


def test_a_grown_brief_still_recaps_in_one_message(content_dirs: tuple[Path, Path]) -> None:
    seeds, summaries = content_dirs
    numbers = summaries / "numbers.md"
    text = numbers.read_text(encoding="utf-8")
    key, rest = text.split("## Reading the figures")
    figures = key.split("## Key figures\n", 1)[1]
    # The same six figures four more times (30 key numbers), each copy with ids of its own.
    copies = [figures.replace("{#numbers-", f"{{#numbers-copy{n}-") for n in range(4)]
    grown = key + "".join(copies)
    numbers.write_text(grown + "## Reading the figures" + rest, encoding="utf-8")
    content = load_content(seeds, summaries)
    assert sum(1 for c in content.topics["numbers"].claims() if c.label) == 30
    reply, _ = compose(content, None, WHEN)
    assert reply.footer
    assert re.match(r"\d+ more point\(s\) in /status and /numbers\. Recaps:", reply.footer)
    slack, discord = render_slack(reply), render_discord(reply)
    slack_limits.assert_within_limits(slack)
    discord_limits.assert_within_limits(discord)
    for payload, seen in ((slack, measure_slack), (discord, measure_discord)):
        assert "left out" not in str(payload)
        assert seen(payload).unlisted == set()
    assert [s.heading for s in reply.sections][-1] == "What changed"
