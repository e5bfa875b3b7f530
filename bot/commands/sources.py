"""/sources: each report's metadata, then the editors' notes on how they compare."""

from bot.commands.topics import topic_reply
from bot.content.dates import format_day
from bot.content.sources import Source
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply


def describe(source: Source) -> Item:
    meta = source.meta
    parts = [
        f"Outlet: {meta.outlet or 'not stated'}",
        f"Byline: {meta.byline or 'not stated'}",
    ]
    if meta.published:
        parts.append(f"Published: {format_day(meta.published)}")
    elif meta.not_before:
        parts.append(
            f"Date: not stated; not before {format_day(meta.not_before)}. "
            f"{meta.not_before_basis or ''}".rstrip()
        )
    else:
        parts.append("Date: not stated")
    if meta.dateline:
        parts.append(f"Dateline: {meta.dateline}")
    parts.append(f"URL: {meta.url or 'not stated'}")
    parts.append(f"File: seeds/{source.file.name}")
    text = "; ".join(parts) + "."
    return Item(" ".join([text, *meta.notes]), label=meta.label)


def handle_sources(_request: CommandRequest, context: Context) -> Reply:
    content = context.content
    listing = [describe(source) for source in content.sources.values()]
    heading = f"The {len(listing)} reports behind every answer"
    return topic_reply(content, content.topics["sources"], lead=[(heading, listing)])
