"""The brief as the web shows it: every topic exactly as its command answers it.

Replies come from the Dispatcher, so the words, citations, "as of" and staleness warnings
are the ones chat users get. From them we derive which claims cite which passage, so a
report's page can link each highlighted passage back to the claims resting on it.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.commands.catalog import TOPIC_COMMANDS
from bot.core.dispatch import Dispatcher
from bot.core.registry import CommandRequest
from bot.core.reply import AsOf, Item, Reply
from bot.i18n.locales import DEFAULT
from bot.web.passages import anchor


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """One claim of the brief, as a passage's page links back to it."""

    topic: str
    topic_title: str
    anchor: str  # fragment id of the claim on the brief page
    text: str


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    reply: Reply

    def item_anchor(self, number: int) -> str:
        return f"{self.id}-{number}"

    def numbered_items(self) -> list[tuple[str, Item]]:
        """(anchor, item) for every item, numbered across the reply's sections."""
        items = [item for section in self.reply.sections for item in section.items]
        return [(self.item_anchor(n), item) for n, item in enumerate(items, start=1)]


@dataclass(frozen=True)
class Brief:
    topics: tuple[Topic, ...]
    # source id -> passage anchor -> the claims citing that passage, in brief order
    claims_by_passage: Mapping[str, Mapping[str, tuple[ClaimRef, ...]]]
    # source id -> every quote the brief cites from it
    quotes_by_source: Mapping[str, tuple[str, ...]]

    @property
    def as_of(self) -> AsOf | None:
        stamps = [t.reply.as_of for t in self.topics if t.reply.as_of is not None]
        return max(stamps, key=lambda s: (s.date, s.exact)) if stamps else None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings every topic carries (shown once, at the top of the page)."""
        if not self.topics:
            return ()
        shared = set(self.topics[0].reply.warnings).intersection(
            *(t.reply.warnings for t in self.topics[1:])
        )
        return tuple(w for w in self.topics[0].reply.warnings if w in shared)


def build_brief(dispatcher: Dispatcher, lang: str = DEFAULT) -> Brief:
    """The brief in ``lang``: each topic as its command answers in that language."""
    topics = tuple(
        Topic(name, dispatcher.run(CommandRequest(name, platform="web", locale=lang)))
        for name in TOPIC_COMMANDS
    )
    claims: defaultdict[str, defaultdict[str, list[ClaimRef]]] = defaultdict(
        lambda: defaultdict(list)
    )
    quotes: defaultdict[str, dict[str, None]] = defaultdict(dict)
    for topic in topics:
        by_number = {c.number: c for c in topic.reply.citations}
        for item_anchor, item in topic.numbered_items():
            text = f"{item.label}: {item.text}" if item.label else item.text
            for number in item.cites:
                citation = by_number[number]
                quotes[citation.source_id][citation.quote] = None
                refs = claims[citation.source_id][anchor(citation.quote)]
                ref = ClaimRef(topic.id, topic.reply.title, item_anchor, text)
                if ref not in refs:
                    refs.append(ref)
    return Brief(
        topics,
        {
            source: {key: tuple(refs) for key, refs in by_anchor.items()}
            for source, by_anchor in claims.items()
        },
        {source: tuple(found) for source, found in quotes.items()},
    )
