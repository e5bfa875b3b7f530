"""Addresses of the web pages: relative ones inside the site, absolute ones for chat replies.

Inside the site every link is relative, so the same pages work served by the bot and as
static files opened from disk or any static host. Chat replies need absolute addresses;
those are built only from the operator's PUBLIC_URL, source ids and hashed anchors, plus
the percent-encoded words of a /quote, so nothing a user types can shape a link.
"""

import dataclasses
from dataclasses import dataclass
from urllib.parse import quote as percent_encode

from bot.commands.catalog import TOPIC_COMMANDS
from bot.core.registry import CommandRequest
from bot.core.reply import Reply, ReplyKind
from bot.web.passages import anchor

SEARCH_COMMAND = "quote"
TOPIC_QUERY = "topic"  # /?topic=ruling: the brief, previewed as that topic
PASSAGE_QUERY = "passage"  # /sources/<id>?passage=p-...: the report, previewed as that passage


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """Links from one page to the others. ``root`` leads from the page back to the site root."""

    root: str = ""
    static: bool = False  # static export: ``.html`` files, no search page

    @property
    def search(self) -> bool:
        return not self.static

    def home(self, fragment: str = "") -> str:
        page = f"{self.root}index.html" if self.static else (self.root or "./")
        return f"{page}#{fragment}" if fragment else page

    def source(self, source_id: str, fragment: str = "") -> str:
        suffix = ".html" if self.static else ""
        page = f"{self.root}sources/{percent_encode(source_id, safe='')}{suffix}"
        return f"{page}#{fragment}" if fragment else page

    def passage(self, source_id: str, quote: str) -> str:
        return self.source(source_id, anchor(quote))

    def quote(self) -> str:
        return f"{self.root}quote"

    def css(self) -> str:
        return f"{self.root}static/web.css"


class PublicLinks:
    """Stamps chat replies with links to the web pages under the operator's PUBLIC_URL.

    Each link names its topic or passage twice: in the query, which the server sees (so a
    link posted in Discord or Slack unfurls with that topic's or passage's text, see
    bot/web/previews.py), and in the fragment, where the browser scrolls.
    """

    def __init__(self, public_url: str) -> None:
        self.base = public_url.rstrip("/")

    def passage(self, source_id: str, quote: str) -> str:
        mark = anchor(quote)
        source = percent_encode(source_id, safe="")
        return f"{self.base}/sources/{source}?{PASSAGE_QUERY}={mark}#{mark}"

    def topic(self, name: str) -> str:
        return f"{self.base}/?{TOPIC_QUERY}={name}#{name}"

    def page(self, request: CommandRequest | None) -> str | None:
        if request is None:
            return None
        if request.command in TOPIC_COMMANDS:
            return self.topic(request.command)
        words = request.args.get("words", "")
        if request.command == SEARCH_COMMAND and words:
            return f"{self.base}/quote?q={percent_encode(words, safe='')}"
        return None

    def annotate(self, reply: Reply, request: CommandRequest | None) -> Reply:
        """The reply with a link on each citation and on the reply itself (answers only)."""
        if reply.kind is not ReplyKind.ANSWER:
            return reply
        citations = tuple(
            dataclasses.replace(c, url=self.passage(c.source_id, c.quote)) for c in reply.citations
        )
        return dataclasses.replace(reply, citations=citations, url=self.page(request))
