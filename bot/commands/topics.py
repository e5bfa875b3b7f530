"""Replies built from a prepared summary: /ruling, /numbers, /status, /timeline, /who."""

import re
from collections.abc import Callable

from bot.content.facts import fold
from bot.content.summaries import Claim
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply, Section
from bot.core.topic_reply import topic_reply

__all__ = ["handle_who", "note", "topic_handler", "topic_reply"]


def topic_handler(topic_id: str) -> Callable[[CommandRequest, Context], Reply]:
    def handle(_request: CommandRequest, context: Context) -> Reply:
        return topic_reply(context.content, context.content.topics[topic_id])

    handle.__name__ = f"handle_{topic_id}"
    return handle


def handle_who(request: CommandRequest, context: Context) -> Reply:
    """/who [name]: everyone, or only the entries that mention ``name``."""
    topic = context.content.topics["who"]
    name = request.args.get("name", "").strip()
    if not name:
        return topic_reply(context.content, topic)
    # Whole words only: "ICE" must not match "officer" or "justice".
    patterns = [
        re.compile(rf"(?<!\w){re.escape(word)}(?!\w)") for word in fold(name).lower().split()
    ]

    def mentions(claim: Claim) -> bool:
        haystack = fold(f"{claim.label or ''} {claim.text}").lower()
        return all(pattern.search(haystack) for pattern in patterns)

    reply = topic_reply(context.content, topic, keep=mentions, title=f"Who's who: {name}")
    if reply.sections:
        return reply
    labels = ", ".join(c.label for c in topic.claims() if c.label)
    return Reply(
        title=f"Who's who: {name}",
        sections=(note(f"No one in the sources matches \u201c{name}\u201d. Known: {labels}."),),
    )


def note(text: str) -> Section:
    """A section holding one plain line (often echoing user text)."""
    return Section(None, (Item(text, user_text=True),))
