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
from bot.core.topic_reply import source_label
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT, TRANSLATED
from bot.i18n.translator import Translator
from bot.renderers.pages import first_units
from bot.renderers.safety import clip, neutralise
from bot.web.brief import Brief, build_brief
from bot.web.links import PASSAGE_QUERY, SEARCH_COMMAND, TOPIC_QUERY, lang_folder
from bot.web.passages import anchor

DESCRIPTION_CHARS = 300  # what link previews show of a description
TITLE_CHARS = 150
SITE_TITLE = N_("The IRS\u2013ICE taxpayer data case: the brief")
SITE_DESCRIPTION = N_(
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
        self._briefs: dict[str, tuple[Hashable, Brief]] = {}  # by language, the newest only
        self._lock = threading.Lock()

    def _tr(self, lang: str) -> Translator:
        return Translator(lang, self.dispatcher.store.current.catalogs)

    def _run(self, command: str, lang: str, args: dict[str, str] | None = None) -> Reply:
        request = CommandRequest(command, args or {}, platform="web", locale=lang)
        return self.dispatcher.run(request)

    def brief(self, lang: str = DEFAULT) -> Brief:
        stamp = (self.dispatcher.store.version, self.dispatcher.clock().date())
        with self._lock:
            known = self._briefs.get(lang)
        if known is None or known[0] != stamp:
            known = (stamp, build_brief(self.dispatcher, lang))
            with self._lock:
                self._briefs[lang] = known
        return known[1]

    def topic(self, name: str, lang: str = DEFAULT) -> Preview | None:
        """The topic's first point and its citations."""
        if name not in TOPIC_COMMANDS:
            return None
        return _preview(first_units(self._run(name, lang), 1))

    def passage(self, source_id: str, mark: str, lang: str = DEFAULT) -> Preview | None:
        """The quoted passage, its report, and the claims that cite it."""
        brief = self.brief(lang)
        content = self.dispatcher.store.current
        source = content.sources.get(source_id)
        quote = next(
            (q for q in brief.quotes_by_source.get(source_id, ()) if anchor(q) == mark), None
        )
        if source is None or quote is None:
            return None
        tr = self._tr(lang)
        claims = brief.claims_by_passage.get(source_id, {}).get(mark, ())[:CLAIMS_SHOWN]
        label = source_label(content, source_id, lang)
        citation = Citation(1, source_id, label, quote)
        reply = Reply(
            title=f"\u201c{clip(quote, 80)}\u201d",
            sections=(
                Section(
                    tr("Cited in the brief"),
                    tuple(Item(f"{c.topic_title}: {c.text}", cites=(1,)) for c in claims),
                ),
            )
            if claims
            else (),
            citations=(citation,),
            as_of=self._run("sources", lang).as_of,
            locale=lang,
        )
        cited_for = (
            " "
            + tr(
                "Cited in \u201c{topic}\u201d: {text}",
                topic=claims[0].topic_title,
                text=claims[0].text,
            )
            if claims
            else ""
        )
        text = clip(neutralise(f"\u201c{quote}\u201d ({label}).{cited_for}"), DESCRIPTION_CHARS)
        return Preview(clip(f"{label}: {reply.title}", TITLE_CHARS), text, reply)

    def source(self, source_id: str, lang: str = DEFAULT) -> Preview | None:
        """A report's page: its label and what the text states about itself."""
        content = self.dispatcher.store.current
        source = content.sources.get(source_id)
        if source is None:
            return None
        reply = self._run("sources", lang)
        label = source_label(content, source_id, lang)
        described = next((i for s in reply.sections for i in s.items if i.label == label), None)
        text = described.text if described else self._tr(lang)("The full text of the report.")
        one = dataclasses.replace(
            reply, title=label, sections=(Section(None, (Item(text),)),), citations=()
        )
        return Preview(clip(label, TITLE_CHARS), clip(text, DESCRIPTION_CHARS), one)

    def search(self, words: str, lang: str = DEFAULT) -> Preview | None:
        command = self.dispatcher.registry.get(SEARCH_COMMAND)
        if command is None or not words.strip():
            return None
        reply = self._run(SEARCH_COMMAND, lang, {"words": words[:200]})
        return _preview(first_units(reply, 1), reply.title)

    def home(self, lang: str = DEFAULT) -> Preview:
        tr = self._tr(lang)
        title, description = tr(SITE_TITLE), tr(SITE_DESCRIPTION)
        reply = Reply(title, (Section(None, (Item(description),)),), locale=lang)
        return Preview(title, description, reply)

    def for_address(self, url: str, base: str) -> Preview | None:
        """The preview of any address under ``base`` (PUBLIC_URL), in the language of the
        pages it names (``es/...``: Spanish); None for other addresses.
        """
        parts, root = urlsplit(url), urlsplit(base.rstrip("/") + "/")
        if (parts.scheme, parts.netloc.lower()) != (root.scheme, root.netloc.lower()):
            return None
        if not parts.path.startswith(root.path) and parts.path + "/" != root.path:
            return None
        path = parts.path[len(root.path) :] if parts.path.startswith(root.path) else ""
        lang = DEFAULT
        for other in TRANSLATED:
            folder = lang_folder(other)
            if path.startswith(folder) or path + "/" == folder:
                lang, path = other, path[len(folder) :]
                break
        query = parse_qs(parts.query)
        fragment = unquote(parts.fragment)
        if path in ("", "index.html"):
            name = (query.get(TOPIC_QUERY) or [fragment])[0]
            return self.topic(name, lang) or self.home(lang)
        if path.startswith("sources/"):
            source_id = unquote(path.removeprefix("sources/").removesuffix(".html"))
            mark = (query.get(PASSAGE_QUERY) or [fragment])[0]
            if mark.startswith("p-"):
                found = self.passage(source_id, mark, lang)
                if found is not None:
                    return found
            return self.source(source_id, lang)
        if path == SEARCH_COMMAND:
            return self.search((query.get("q") or [""])[0], lang)
        return None
