"""/sources: each report's metadata, then the editors' notes on how they compare."""

from bot.commands.topics import topic_reply
from bot.content.dates import format_day
from bot.content.sources import Source
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply


def _sentence(text: str) -> str:
    """``text`` ending as a sentence ends: one full stop, even after a closing quote."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", '."', ".\u201d")) else f"{text}."


def describe(source: Source) -> Item:
    """What the text states about itself, each part a sentence: outlet, byline, the date it
    shows (and what that date is, when the text does not call it the publication date).
    """
    meta = source.meta
    parts = [
        f"Outlet: {meta.outlet or 'not stated'}",
        f"Byline: {meta.byline or 'not stated'}",
    ]
    if meta.published:
        parts.append(f"Date: {format_day(meta.published)}")
        if meta.published_basis:
            parts.append(meta.published_basis)
    elif meta.not_before:
        parts.append(f"Date: not stated; not before {format_day(meta.not_before)}")
        if meta.not_before_basis:
            parts.append(meta.not_before_basis)
    else:
        parts.append("Date: not stated")
    if meta.dateline:
        parts.append(f"Dateline: {meta.dateline}")
    parts.append(f"URL: {meta.url or 'not stated'}")
    parts.append(f"File: seeds/{source.file.name}")
    return Item(" ".join(_sentence(part) for part in [*parts, *meta.notes]), label=meta.label)


def handle_sources(_request: CommandRequest, context: Context) -> Reply:
    content = context.content
    listing = [describe(source) for source in content.sources.values()]
    heading = f"The {len(listing)} reports behind every answer"
    return topic_reply(content, content.topics["sources"], lead=[(heading, listing)])
