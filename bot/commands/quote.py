"""/quote <words>: the best-matching verbatim sentences from the sources, each cited."""

from bot.commands.topics import note
from bot.core.binding import UsageError
from bot.core.freshness import as_of
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply, ReplyBuilder

RESULTS = 5


def handle_quote(request: CommandRequest, context: Context) -> Reply:
    words = request.args.get("words", "").strip()
    if not words:
        msg = (
            "`/quote` needs some words to look for, e.g. `/quote 42,695` or `/quote Romo "
            "declaration`."
        )
        raise UsageError(msg)
    content = context.content
    result = content.index.search(words, limit=RESULTS)
    title = f"Quotes matching \u201c{words}\u201d"
    warnings = tuple(
        f"Searched for \u201c{used}\u201d instead of \u201c{typed}\u201d."
        for typed, used in result.corrected
    )
    if not result.hits:
        return Reply(
            title=title,
            sections=(
                note(
                    f"Nothing in the {len(content.sources)} sources matches \u201c{words}\u201d. "
                    "Try fewer or different words, a name (`/quote Romo`) or a figure (`/quote "
                    "42,695`)."
                ),
            ),
            warnings=warnings,
        )
    builder = ReplyBuilder(title)
    items = []
    for hit in result.hits:
        source = content.sources[hit.sentence.source_id]
        number = builder.cite(source.id, source.meta.label, hit.sentence.text)
        items.append(Item(hit.sentence.text, cites=(number,)))
    builder.section(f"{len(items)} best match{'es' if len(items) > 1 else ''}, best first", items)
    cited = {hit.sentence.source_id for hit in result.hits}
    return Reply(
        title=title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in sorted(cited)),
        warnings=warnings,
    )
