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


def compose(
    content: Content, told: tuple[datetime, dict[str, Any]] | None, when: datetime
) -> tuple[Reply, dict[str, Any]]:
    """The recap for one channel, and the snapshot to remember once it is posted."""
    builder = ReplyBuilder(f"Case recap, {format_day(when.date())}")
    status = content.topics["status"].claims()[:STATUS_CLAIMS]
    topic_reply(
        content,
        content.topics["status"],
        keep=lambda c: any(c is k for k in status),
        builder=builder,
    )
    topic_reply(
        content, content.topics["numbers"], keep=lambda c: c.label is not None, builder=builder
    )
    now = snapshot(content)
    if told is None:
        change_lines = ["First recap in this channel."]
    else:
        since = format_day(told[0].date())
        change_lines = changes(told[1], now, content) or [f"No change since {since}."]
    builder.section("What changed", [Item(line) for line in change_lines])
    cited = sorted({c.source_id for c in builder.citations})
    reply = Reply(
        title=builder.title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in cited),
        footer="Recaps: /recap list shows this channel's schedule.",
    )
    return reply, now
