"""Replies built from a prepared summary: /ruling, /numbers, /status, /timeline, /who.

In Spanish (``lang:es``, or the platform's choice) the claims come from summaries/es/; a
topic whose translation is behind its English says so and points to the English answer.
"""

import dataclasses
import re
from collections.abc import Callable

from bot.content.facts import fold
from bot.content.summaries import Claim
from bot.content.translations import BEHIND_NOTE
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply, Section
from bot.core.topic_reply import NOT_TRANSLATED, Chosen, choose_topic, topic_reply
from bot.i18n.locales import DEFAULT

__all__ = ["answer_topic", "handle_who", "note", "topic_handler", "topic_reply"]


def topic_handler(topic_id: str) -> Callable[[CommandRequest, Context], Reply]:
    def handle(_request: CommandRequest, context: Context) -> Reply:
        return answer_topic(context, topic_id)

    handle.__name__ = f"handle_{topic_id}"
    return handle


def answer_topic(
    context: Context,
    topic_id: str,
    *,
    keep: Callable[[Claim], bool] = lambda _claim: True,
    title: str | None = None,
    lead: list[tuple[str | None, list[Item]]] | None = None,
    chosen: Chosen | None = None,
) -> Reply:
    """The topic's claims in the reply's language, with what a reader must know about it."""
    chosen = chosen or choose_topic(context.content, topic_id, context.locale)
    reply = topic_reply(
        context.content, chosen.topic, keep=keep, title=title, lead=lead, lang=chosen.lang
    )
    return language_notes(reply, chosen, context, topic_id)


def language_notes(reply: Reply, chosen: Chosen, context: Context, command: str) -> Reply:
    """A reply asked for in another language than its claims', or from a translation behind
    its English, says so; the latter points to the English answer (renderers show where).
    """
    if context.locale == DEFAULT:
        return reply
    tr = context.tr
    if chosen.english_only:
        return dataclasses.replace(reply, warnings=(*reply.warnings, tr(NOT_TRANSLATED)))
    if chosen.behind:
        return dataclasses.replace(
            reply,
            warnings=(*reply.warnings, tr(BEHIND_NOTE)),
            english=f"/{command} lang:{DEFAULT}",
        )
    return reply


def handle_who(request: CommandRequest, context: Context) -> Reply:
    """/who [name]: everyone, or only the entries that mention ``name``."""
    chosen = choose_topic(context.content, "who", context.locale)
    name = request.args.get("name", "").strip()
    if not name:
        return answer_topic(context, "who", chosen=chosen)
    # Whole words only: "ICE" must not match "officer" or "justice".
    patterns = [
        re.compile(rf"(?<!\w){re.escape(word)}(?!\w)") for word in fold(name).lower().split()
    ]

    def mentions(claim: Claim) -> bool:
        haystack = fold(f"{claim.label or ''} {claim.text}").lower()
        return all(pattern.search(haystack) for pattern in patterns)

    tr = context.tr
    title = tr("Who's who: {name}", name=name)
    reply = answer_topic(context, "who", keep=mentions, title=title, chosen=chosen)
    if reply.sections:
        return reply
    labels = ", ".join(c.label for c in chosen.topic.claims() if c.label)
    text = tr(
        "No one in the sources matches \u201c{name}\u201d. Known: {labels}.",
        name=name,
        labels=labels,
    )
    return language_notes(Reply(title=title, sections=(note(text),)), chosen, context, "who")


def note(text: str) -> Section:
    """A section holding one plain line (often echoing user text)."""
    return Section(None, (Item(text, user_text=True),))
