"""Addresses of the web pages: relative ones inside the site, absolute ones for chat replies.

Inside the site every link is relative, so the same pages work served by the bot and as
static files opened from disk or any static host. Chat replies need absolute addresses;
those are built only from the operator's PUBLIC_URL, source ids and hashed anchors, plus
the percent-encoded words of a /quote, so nothing a user types can shape a link.

Each language has its own tree of the same pages: English at the root, Spanish under
``es/`` (``/es/``, ``/es/sources/<id>``, ``/es/quote``). A reply in Spanish links there.
"""

import dataclasses
from dataclasses import dataclass
from urllib.parse import quote as percent_encode

from bot.commands.catalog import TOPIC_COMMANDS
from bot.core.registry import CommandRequest
from bot.core.reply import Reply, ReplyKind
from bot.i18n.locales import DEFAULT, SUPPORTED
from bot.web.passages import anchor

SEARCH_COMMAND = "quote"
TOPIC_QUERY = "topic"  # /?topic=ruling: the brief, previewed as that topic
PASSAGE_QUERY = "passage"  # /sources/<id>?passage=p-...: the report, previewed as that passage


def lang_folder(lang: str) -> str:
    """Where a language's pages are, from the site root: "" (English), "es/"."""
    return "" if lang == DEFAULT else f"{lang}/"


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """Links from one page to the others. ``root`` leads from the page back to the root of
    its language's pages (the site root for English, ``es/`` for Spanish); an absolute
    ``root`` ("/es/") links from anywhere.
    """

    root: str = ""
    static: bool = False  # static export: ``.html`` files, no search page
    lang: str = DEFAULT

    @property
    def search(self) -> bool:
        return not self.static

    @property
    def site_root(self) -> str:
        """From the page back to the site root (where static/ and the English pages are)."""
        if self.root.startswith("/"):
            return "/"
        return self.root + "../" * lang_folder(self.lang).count("/")

    def in_lang(self, lang: str, page: str = "") -> str:
        """The page ``page`` (relative to a language's root, e.g. "sources/x") in ``lang``."""
        if not page:
            page = "index.html" if self.static else ""
        where = f"{self.site_root}{lang_folder(lang)}{page}"
        return where or "./"

    def switch(self, page: str = "") -> dict[str, str]:
        """This page in every language, by language (the language switch, hreflang)."""
        return {lang: self.in_lang(lang, page) for lang in SUPPORTED}

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

    def changes(self, fragment: str = "") -> str:
        """The page of every content version and correction (``/changes``)."""
        page = f"{self.root}changes" + (".html" if self.static else "")
        return f"{page}#{fragment}" if fragment else page

    def css(self) -> str:
        return f"{self.site_root}static/web.css"


class PublicLinks:
    """Stamps chat replies with links to the web pages under the operator's PUBLIC_URL.

    Each link names its topic or passage twice: in the query, which the server sees (so a
    link posted in Discord or Slack unfurls with that topic's or passage's text, see
    bot/web/previews.py), and in the fragment, where the browser scrolls.
    """

    def __init__(self, public_url: str) -> None:
        self.base = public_url.rstrip("/")

    def _root(self, lang: str) -> str:
        return f"{self.base}/{lang_folder(lang)}"

    def passage(self, source_id: str, quote: str, lang: str = DEFAULT) -> str:
        mark = anchor(quote)
        source = percent_encode(source_id, safe="")
        return f"{self._root(lang)}sources/{source}?{PASSAGE_QUERY}={mark}#{mark}"

    def topic(self, name: str, lang: str = DEFAULT) -> str:
        return f"{self._root(lang)}?{TOPIC_QUERY}={name}#{name}"

    def page(self, request: CommandRequest | None, lang: str = DEFAULT) -> str | None:
        if request is None:
            return None
        if request.command in TOPIC_COMMANDS:
            return self.topic(request.command, lang)
        words = request.args.get("words", "")
        if request.command == SEARCH_COMMAND and words:
            return f"{self._root(lang)}quote?q={percent_encode(words, safe='')}"
        return None

    def annotate(self, reply: Reply, request: CommandRequest | None) -> Reply:
        """The reply with a link on each citation and on the reply itself (answers only), in
        the reply's language; a translation behind its English links the English page.
        """
        if reply.kind is not ReplyKind.ANSWER:
            return reply
        lang = reply.lang
        citations = tuple(
            dataclasses.replace(c, url=self.passage(c.source_id, c.quote, lang))
            for c in reply.citations
        )
        english = reply.english
        if english and request is not None and request.command in TOPIC_COMMANDS:
            english = self.topic(request.command)
        return dataclasses.replace(
            reply, citations=citations, url=self.page(request, lang), english=english
        )
