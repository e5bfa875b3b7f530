"""/quote <words>: the best-matching verbatim sentences from the sources, each cited.

The sentences are the reports' own words (English); in Spanish the reply around them is.
"""

from bot.commands.topics import note
from bot.core.binding import UsageError
from bot.core.freshness import as_of
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply, ReplyBuilder
from bot.core.topic_reply import source_label

RESULTS = 5


def handle_quote(request: CommandRequest, context: Context) -> Reply:
    tr = context.tr
    words = request.args.get("words", "").strip()
    if not words:
        msg = tr(
            "`/quote` needs some words to look for, e.g. `/quote 42,695` or "
            "`/quote Romo declaration`."
        )
        raise UsageError(msg)
    content = context.content
    result = content.index.search(words, limit=RESULTS)
    title = tr("Quotes matching \u201c{words}\u201d", words=words)
    warnings = tuple(
        tr(
            "Searched for \u201c{used}\u201d instead of \u201c{typed}\u201d.",
            used=used,
            typed=typed,
        )
        for typed, used in result.corrected
    )
    if not result.hits:
        text = tr.plural(
            "Nothing in the source matches \u201c{words}\u201d. Try fewer or different words, a "
            "name (`/quote Romo`) or a figure (`/quote 42,695`).",
            "Nothing in the {count} sources matches \u201c{words}\u201d. Try fewer or different "
            "words, a name (`/quote Romo`) or a figure (`/quote 42,695`).",
            len(content.sources),
            words=words,
        )
        return Reply(title=title, sections=(note(text),), warnings=warnings)
    builder = ReplyBuilder(title)
    items = []
    for hit in result.hits:
        source = content.sources[hit.sentence.source_id]
        label = source_label(content, source.id, context.locale)
        number = builder.cite(source.id, label, hit.sentence.text)
        items.append(Item(hit.sentence.text, cites=(number,)))
    heading = tr.plural(
        "{count} best match, best first", "{count} best matches, best first", len(items)
    )
    builder.section(heading, items)
    cited = {hit.sentence.source_id for hit in result.hits}
    return Reply(
        title=title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in sorted(cited)),
        warnings=warnings,
    )
