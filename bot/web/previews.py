"""What a link to the brief shows before anyone opens it: the topic's or passage's text,
with its citation.

One preview per address, drawn two ways: as Open Graph tags in the page's head (Discord,
and anything else that reads them, builds its embed from these), and as a small neutral
Reply that Slack unfurls (``link_shared`` -> ``chat.unfurl``, bot/platforms/slack/unfurl.py).
Addresses name what they show in the query, which servers see (``/?topic=ruling``,
``/sources/<id>?passage=p-...``), and in the fragment, which browsers scroll to; a preview
is taken from either (Slack hands over the whole address, fragment included).
"""

import dataclasses
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from bot.commands.catalog import TOPIC_COMMANDS
from bot.core.dispatch import Dispatcher
from bot.core.registry import CommandRequest
from bot.core.reply import Citation, Item, Reply, Section
from bot.renderers.pages import first_units
from bot.renderers.safety import clip, neutralise
from bot.web.brief import Brief, build_brief
from bot.web.links import PASSAGE_QUERY, SEARCH_COMMAND, TOPIC_QUERY
from bot.web.passages import anchor

DESCRIPTION_CHARS = 300  # what link previews show of a description
TITLE_CHARS = 150
SITE_TITLE = "The IRS\u2013ICE taxpayer data case: the brief"
SITE_DESCRIPTION = (
    "On Feb. 26, 2026 a federal judge ruled that the IRS broke the taxpayer-confidentiality "
    "law by giving ICE taxpayer addresses. Every statement cites the reports it rests on."
)
CLAIMS_SHOWN = 2  # claims citing a passage, in its preview


@dataclass(frozen=True, slots=True)
class Preview:
    title: str
    description: str  # plain text: the point and its citation
    reply: Reply  # the same as a small neutral reply: the point(s) and the citations they cite


def _cited_text(reply: Reply) -> str:
    """``reply``'s points then its citations, as one plain line."""
    points = " ".join(
        f"{item.label}: {item.text}" if item.label else item.text
        for section in reply.sections
        for item in section.items
    )
    sources = " ".join(
        f"[{c.number}] {c.source_label}: \u201c{c.quote}\u201d" for c in reply.citations
    )
    return clip(neutralise(f"{points} {sources}".strip()), DESCRIPTION_CHARS)


def _preview(reply: Reply, title: str | None = None) -> Preview:
    return Preview(clip(title or reply.title, TITLE_CHARS), _cited_text(reply), reply)


class Previews:
    """Previews of the brief's addresses, from the current content (kept per version and day)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self._brief: tuple[Hashable, Brief] | None = None
        self._lock = threading.Lock()

    def brief(self) -> Brief:
        stamp = (self.dispatcher.store.version, self.dispatcher.clock().date())
        with self._lock:
            known = self._brief
        if known is None or known[0] != stamp:
            known = (stamp, build_brief(self.dispatcher))
            with self._lock:
                self._brief = known
        return known[1]

    def topic(self, name: str) -> Preview | None:
        """The topic's first point and its citations."""
        if name not in TOPIC_COMMANDS:
            return None
        reply = self.dispatcher.run(CommandRequest(name, platform="web"))
        return _preview(first_units(reply, 1))

    def passage(self, source_id: str, mark: str) -> Preview | None:
        """The quoted passage, its report, and the claims that cite it."""
        brief = self.brief()
        source = self.dispatcher.store.current.sources.get(source_id)
        quote = next(
            (q for q in brief.quotes_by_source.get(source_id, ()) if anchor(q) == mark), None
        )
        if source is None or quote is None:
            return None
        claims = brief.claims_by_passage.get(source_id, {}).get(mark, ())[:CLAIMS_SHOWN]
        label = source.meta.label
        citation = Citation(1, source_id, label, quote)
        reply = Reply(
            title=f"\u201c{clip(quote, 80)}\u201d",
            sections=(
                Section(
                    "Cited in the brief",
                    tuple(Item(f"{c.topic_title}: {c.text}", cites=(1,)) for c in claims),
                ),
            )
            if claims
            else (),
            citations=(citation,),
            as_of=self.dispatcher.run(CommandRequest("sources", platform="web")).as_of,
        )
        cited_for = (
            f" Cited in \u201c{claims[0].topic_title}\u201d: {claims[0].text}" if claims else ""
        )
        text = clip(neutralise(f"\u201c{quote}\u201d ({label}).{cited_for}"), DESCRIPTION_CHARS)
        return Preview(clip(f"{label}: {reply.title}", TITLE_CHARS), text, reply)

    def source(self, source_id: str) -> Preview | None:
        """A report's page: its label and what the text states about itself."""
        source = self.dispatcher.store.current.sources.get(source_id)
        if source is None:
            return None
        reply = self.dispatcher.run(CommandRequest("sources", platform="web"))
        described = next(
            (i for s in reply.sections for i in s.items if i.label == source.meta.label), None
        )
        text = described.text if described else "The full text of the report."
        one = dataclasses.replace(
            reply,
            title=source.meta.label,
            sections=(Section(None, (Item(text),)),),
            citations=(),
        )
        return Preview(clip(source.meta.label, TITLE_CHARS), clip(text, DESCRIPTION_CHARS), one)

    def search(self, words: str) -> Preview | None:
        command = self.dispatcher.registry.get(SEARCH_COMMAND)
        if command is None or not words.strip():
            return None
        reply = self.dispatcher.run(
            CommandRequest(SEARCH_COMMAND, {"words": words[:200]}, platform="web")
        )
        return _preview(first_units(reply, 1), reply.title)

    def home(self) -> Preview:
        reply = Reply(SITE_TITLE, (Section(None, (Item(SITE_DESCRIPTION),)),))
        return Preview(SITE_TITLE, SITE_DESCRIPTION, reply)

    def for_address(self, url: str, base: str) -> Preview | None:
        """The preview of any address under ``base`` (PUBLIC_URL); None for other addresses."""
        parts, root = urlsplit(url), urlsplit(base.rstrip("/") + "/")
        if (parts.scheme, parts.netloc.lower()) != (root.scheme, root.netloc.lower()):
            return None
        if not parts.path.startswith(root.path) and parts.path + "/" != root.path:
            return None
        path = parts.path[len(root.path) :] if parts.path.startswith(root.path) else ""
        query = parse_qs(parts.query)
        fragment = unquote(parts.fragment)
        if path in ("", "index.html"):
            name = (query.get(TOPIC_QUERY) or [fragment])[0]
            return self.topic(name) or self.home()
        if path.startswith("sources/"):
            source_id = unquote(path.removeprefix("sources/").removesuffix(".html"))
            mark = (query.get(PASSAGE_QUERY) or [fragment])[0]
            if mark.startswith("p-"):
                found = self.passage(source_id, mark)
                if found is not None:
                    return found
            return self.source(source_id)
        if path == SEARCH_COMMAND:
            return self.search((query.get("q") or [""])[0])
        return None
