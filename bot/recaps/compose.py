"""What a recap says: status, key numbers, and what changed since the channel's last recap.

A snapshot of the content (sources and claims) is stored per channel after each recap;
the next recap compares against it. Claims are matched across edits by label when they
have one, else by their first citation, so an edited sentence reads as "changed" rather
than as one dropped and one added.
"""

from datetime import datetime
from typing import Any

from bot.content.dates import format_day
from bot.content.store import Content
from bot.content.summaries import Claim, Topic
from bot.core.freshness import as_of
from bot.core.reply import Item, Reply, ReplyBuilder
from bot.core.topic_reply import topic_reply
from bot.renderers import discord, slack

STATUS_CLAIMS = 5  # a recap is short: the first claims of /status
MAX_CHANGES = 8


def claim_key(topic: Topic, claim: Claim) -> str:
    if claim.label:
        return f"{topic.id}|{claim.label}"
    first = claim.citations[0]
    return f"{topic.id}|{first.source_id}|{first.quote}"


def snapshot(content: Content) -> dict[str, Any]:
    return {
        "sources": sorted(content.sources),
        "claims": {claim_key(t, c): c.text for t in content.topics.values() for c in t.claims()},
    }


def changes(before: dict[str, Any], now: dict[str, Any], content: Content) -> list[str]:
    added = sorted(set(now["sources"]) - set(before.get("sources", [])))
    lines = [f"New source: {content.sources[source_id].meta.label}." for source_id in added]
    withdrawn = sorted(set(before.get("sources", [])) - set(now["sources"]))
    lines.extend(f"Source withdrawn: {source_id}." for source_id in withdrawn)
    old, new = before.get("claims", {}), now["claims"]
    for key in new:
        if key not in old:
            lines.append(f"Added: {new[key]}")
        elif old[key] != new[key]:
            lines.append(f"Changed: {new[key]} (was: {old[key]})")
    dropped = [old[key] for key in old if key not in new]
    lines += [f"Dropped: {text}" for text in dropped]
    if len(lines) > MAX_CHANGES:
        lines = [
            *lines[:MAX_CHANGES],
            f"...and {len(lines) - MAX_CHANGES} more changes; see /sources and the topic commands.",
        ]
    return lines


def _recap(
    content: Content,
    change_lines: list[str],
    when: datetime,
    status_count: int,
    numbers_count: int,
) -> Reply:
    builder = ReplyBuilder(f"Case recap, {format_day(when.date())}")
    status = content.topics["status"].claims()[:status_count]
    topic_reply(
        content,
        content.topics["status"],
        keep=lambda c: any(c is k for k in status),
        builder=builder,
    )
    numbers = [c for c in content.topics["numbers"].claims() if c.label][:numbers_count]
    topic_reply(
        content,
        content.topics["numbers"],
        keep=lambda c: any(c is k for k in numbers),
        builder=builder,
    )
    builder.section("What changed", [Item(line) for line in change_lines])
    cited = sorted({c.source_id for c in builder.citations})
    shown = len(status) + len(numbers)
    wanted = min(STATUS_CLAIMS, len(content.topics["status"].claims())) + sum(
        1 for c in content.topics["numbers"].claims() if c.label
    )
    footer = "Recaps: /recap list shows this channel's schedule."
    if shown < wanted:
        footer = f"{wanted - shown} more point(s) in /status and /numbers. {footer}"
    return Reply(
        title=builder.title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in cited),
        footer=footer,
    )


def compose(
    content: Content, told: tuple[datetime, dict[str, Any]] | None, when: datetime
) -> tuple[Reply, dict[str, Any]]:
    """The recap for one channel, and the snapshot to remember once it is posted.

    A recap is one message, and every marker in it has its source listed beside it: when the
    brief has grown past one message, the last key numbers, then the last status points, are
    left for /status and /numbers (the footer says how many), never a citation alone.
    """
    now = snapshot(content)
    if told is None:
        change_lines = ["First recap in this channel."]
    else:
        since = format_day(told[0].date())
        change_lines = changes(told[1], now, content) or [f"No change since {since}."]
    status_count = min(STATUS_CLAIMS, len(content.topics["status"].claims()))
    numbers_count = sum(1 for c in content.topics["numbers"].claims() if c.label)
    reply = _recap(content, change_lines, when, status_count, numbers_count)
    while not fits_one_message(reply) and (numbers_count > 0 or status_count > 1):
        if numbers_count > 0:
            numbers_count -= 1
        else:
            status_count -= 1
        reply = _recap(content, change_lines, when, status_count, numbers_count)
    return reply, now


def fits_one_message(reply: Reply) -> bool:
    """A recap goes to Slack or Discord as one message: it must render whole on both."""
    return slack.fits_whole(reply) and discord.fits_whole(reply)
