"""A reply built from a prepared summary's claims, with their citations numbered.

Shared by the topic commands and the recaps (which must not import bot.commands).
"""

from collections.abc import Callable

from bot.content.store import Content
from bot.content.summaries import Claim, Topic
from bot.core.freshness import as_of
from bot.core.reply import Item, Reply, ReplyBuilder


def topic_reply(
    content: Content,
    topic: Topic,
    *,
    keep: Callable[[Claim], bool] = lambda _claim: True,
    title: str | None = None,
    lead: list[tuple[str | None, list[Item]]] | None = None,
    builder: ReplyBuilder | None = None,
) -> Reply:
    """Every claim of ``topic`` that ``keep`` accepts, with its citations numbered."""
    builder = builder or ReplyBuilder(title or topic.title)
    for heading, items in lead or []:
        builder.section(heading, items)
    cited_sources = set()
    for section in topic.sections:
        items = []
        for claim in section.claims:
            if not keep(claim):
                continue
            numbers = []
            for citation in claim.citations:
                source = content.sources[citation.source_id]
                cited_sources.add(source.id)
                numbers.append(builder.cite(source.id, source.meta.label, citation.quote))
            items.append(Item(claim.text, claim.label, tuple(numbers)))
        builder.section(section.heading, items)
    return Reply(
        title=builder.title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in sorted(cited_sources)),
    )
