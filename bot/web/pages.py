"""The web pages, drawn from the neutral replies with Jinja2 templates (autoescaped).

``WebPages`` renders each page for a given ``SiteLinks`` (served or static) and keeps the
result until the content version or the day changes, so repeated requests cost a lookup.
Content always comes from ``dispatcher.store.current``: an edit that fails to verify never
reaches a page, and the last good pages keep serving.

Every page exists in each language (``SiteLinks.lang``: English at the root, Spanish under
``es/``), drawn from the replies in that language with the templates' words from the
catalogs (``_("...")`` in the templates); each page names its other languages (``hreflang``
alternates) and links to them (the language switch).
"""

import dataclasses
import re
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as quote_path

from cachetools import LRUCache
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.dates import format_day
from bot.content.sources import ParagraphKind, Source
from bot.core.binding import UsageError, bind
from bot.core.dispatch import Dispatcher
from bot.core.messages import PUBLIC_FLAG
from bot.core.reply import Reply
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT, SUPPORTED
from bot.i18n.translator import Translator
from bot.renderers.labels import TRANSLATED, TRANSLATION_LABEL
from bot.renderers.safety import clip
from bot.web.brief import Brief, ClaimRef
from bot.web.changes import History
from bot.web.links import PASSAGE_QUERY, SEARCH_COMMAND, TOPIC_QUERY, SiteLinks, lang_folder
from bot.web.passages import MarkedSource, Passage, anchor, mark_source
from bot.web.previews import Preview, Previews

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "web.css"
SITE_NAME = N_("Case brief: the IRS–ICE taxpayer data case")
LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each in its own language, for the switch
# No script at all; styles only from our own stylesheet. Static pages carry it as a <meta>.
CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'"
)
CSP_HEADER = CSP + "; frame-ancestors 'none'"
CACHE_SIZE = 256

KIND_NAMES = {
    ParagraphKind.METADATA: N_("Dateline and metadata line"),
    ParagraphKind.BYLINE: N_("Byline"),
    ParagraphKind.CAPTION: N_("Photo caption"),
    ParagraphKind.CREDIT: N_("Credit line"),
}
_CODE = re.compile(r"`([^`]+)`")
_ANCHOR = re.compile(r"p-[0-9a-f]{12}")


def code_spans(text: str) -> Markup:
    """Escape ``text``, showing `backticked` commands as code (messages use them)."""
    parts = []
    position = 0
    for found in _CODE.finditer(text):
        parts.append(escape(text[position : found.start()]))
        parts.append(Markup("<code>%s</code>") % found.group(1))
        position = found.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def marks(text: str, **parts: tuple[str, str]) -> Markup:
    """Escape ``text`` (a translated message), putting each ``{name}`` in it as a word
    highlighted the way the report's passages are: ``name=(css class, word)``.
    """
    return escape(text).format(
        **{
            name: Markup('<mark class="%s">%s</mark>') % (css, word)
            for name, (css, word) in parts.items()
        }
    )


def excerpt(text: str, limit: int = 64) -> str:
    """A long passage as its opening and closing words, so two overlapping passages differ."""
    if len(text) <= limit:
        return text
    head = clip(text, limit // 2, "").rstrip(" ,;:")
    tail = text[-(limit // 2) :]
    tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
    return f"{head} … {tail}"


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["code"] = code_spans
    env.filters["clip"] = clip
    env.filters["excerpt"] = excerpt
    env.filters["marks"] = marks
    env.filters["day"] = format_day  # every date shown in one style (bot/content/dates.py)
    env.globals.update(csp=CSP, language_names=LANGUAGE_NAMES, languages=SUPPORTED)
    return env


@dataclass(frozen=True, slots=True)
class Described:
    """What a report states about itself, in the page's language (summaries/<lang>/)."""

    label: str
    published_basis: str | None
    not_before_basis: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class SourceView:
    """What a report's page shows beside its text."""

    source: Source
    marked: MarkedSource
    claims: Mapping[str, tuple[ClaimRef, ...]]  # passage anchor -> claims citing it
    described: Described

    def paragraphs(
        self,
    ) -> list[tuple[int, str | None, Markup, list[tuple[Passage, tuple[ClaimRef, ...]]]]]:
        rows = []
        for index, paragraph in enumerate(self.source.paragraphs):
            cited = [
                (p, self.claims.get(p.anchor, ()))
                for p in self.marked.in_paragraph(index)
                if p.cited
            ]
            rows.append(
                (
                    paragraph.line,
                    KIND_NAMES.get(paragraph.kind),
                    self.marked.paragraph_html(index),
                    [(p, refs) for p, refs in cited if refs],
                )
            )
        return rows

    def evidence(self, field: str) -> Passage | None:
        return next((p for p in self.marked.passages.values() if field in p.evidence), None)

    def passage_text(self, passage: Passage) -> str:
        return self.source.paragraphs[passage.paragraph].text[passage.start : passage.end]

    @property
    def claim_count(self) -> int:
        return len({ref for refs in self.claims.values() for ref in refs})

    @property
    def cited_count(self) -> int:
        return sum(1 for p in self.marked.passages.values() if p.cited)


class WebPages:
    """Renders pages and keeps them. Safe to call from worker threads (the server renders
    pages missing from the cache off the event loop).

    Each page carries Open Graph tags (bot/web/previews.py): the brief, or the topic named by
    ``?topic=``; a report, or the passage named by ``?passage=``. Only names that exist reach
    the cache's keys, so the cache stays bounded whatever is asked.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        environment: Environment | None = None,
        *,
        public_url: str | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.env = environment or build_environment()
        self.public_url = public_url.rstrip("/") if public_url else None
        self.previews = Previews(dispatcher)
        self._cache: LRUCache[Hashable, str] = LRUCache(CACHE_SIZE)  # guarded by _lock
        self._lock = threading.Lock()

    # Pages depend only on the content version and the day ("as of" and staleness).
    def _stamp(self) -> tuple[int, object]:
        return self.dispatcher.store.version, self.dispatcher.clock().date()

    def _cached(self, key: Hashable) -> str | None:
        with self._lock:
            return self._cache.get(key)

    def _keep(self, key: Hashable, page: str) -> str:
        with self._lock:
            self._cache[key] = page
        return page

    def brief(self, lang: str = DEFAULT) -> Brief:
        """The brief in ``lang``, kept per content version and day (one per language)."""
        return self.previews.brief(lang)

    def _render(self, template: str, links: SiteLinks, page: str, **values: object) -> str:
        """A page in ``links.lang``: its words, its other languages, its switch."""
        lang = links.lang
        tr = Translator(lang, self.dispatcher.store.current.catalogs)
        switch = links.switch(page)
        alternates = (
            {other: f"{self.public_url}/{lang_folder(other)}{page}" for other in SUPPORTED}
            if self.public_url
            else switch
        )

        def translated(text: str) -> str:
            label = tr(TRANSLATION_LABEL)
            return tr(TRANSLATED, label=label, text=text)

        return self.env.get_template(template).render(
            _=tr,
            ngettext=tr.plural,
            lang=lang,
            links=links,
            switch=switch,
            alternates=alternates,
            site_name=tr(SITE_NAME),
            translated=translated,
            kind_names={name: tr(name) for name in KIND_NAMES.values()},
            query_limit=self.query_limit(),
            **values,
        )

    @staticmethod
    def topic_named(name: str | None) -> str | None:
        """``name`` if it is a topic of the brief (the index's ``?topic=``), else None."""
        return name if name in TOPIC_COMMANDS else None

    def passage_named(self, source_id: str, mark: str | None) -> str | None:
        """``mark`` if the brief cites such a passage of that report (``?passage=``), else None."""
        if not mark or not _ANCHOR.fullmatch(mark):
            return None
        quotes = self.brief().quotes_by_source.get(source_id, ())
        return mark if any(anchor(q) == mark for q in quotes) else None

    def _og(self, preview: Preview | None, address: str, lang: str) -> dict[str, str] | None:
        if preview is None:
            return None
        og = {"title": preview.title, "description": preview.description}
        if self.public_url:
            og["url"] = f"{self.public_url}/{lang_folder(lang)}{address.lstrip('/')}"
        return og

    def cached_index(
        self, links: SiteLinks, topic: str | None = None, history: History | None = None
    ) -> str | None:
        return self._cached(("index", links, topic, self._stamp(), _history_stamp(history)))

    def cached_source(
        self, source_id: str, links: SiteLinks, passage: str | None = None
    ) -> str | None:
        return self._cached(("source", source_id, links, passage, self._stamp()))

    def index(
        self, links: SiteLinks, topic: str | None = None, history: History | None = None
    ) -> str:
        """The brief; with ``history``, each corrected claim marked "Corrected <date>"."""
        topic = self.topic_named(topic)
        key = ("index", links, topic, self._stamp(), _history_stamp(history))
        page = self._cached(key)
        if page is None:
            lang = links.lang
            content = self.dispatcher.store.current
            preview = (self.previews.topic(topic, lang) if topic else None) or self.previews.home(
                lang
            )
            address = f"/?{TOPIC_QUERY}={topic}" if topic else "/"
            page = self._keep(
                key,
                self._render(
                    "index.html",
                    links,
                    "",
                    brief=self.brief(lang),
                    sources=[
                        (source, self.described(source, lang).label)
                        for source in content.sources.values()
                    ],
                    og=self._og(preview, address, lang),
                    history=history or History(),
                ),
            )
        return page

    def changes(self, links: SiteLinks, history: History) -> str:
        """``/changes``: every recorded version, newest first, with what it changed."""
        key = ("changes", links, self._stamp(), _history_stamp(history), history.skipped)
        page = self._cached(key)
        if page is None:
            sources = self.dispatcher.store.current.sources.values()
            page = self._keep(
                key,
                self._render(
                    "changes.html",
                    links,
                    "changes.html" if links.static else "changes",
                    history=history,
                    source_labels={s.id: self.described(s, links.lang).label for s in sources},
                    og=None,
                ),
            )
        return page

    def source(self, source_id: str, links: SiteLinks, passage: str | None = None) -> str | None:
        """The report's page, or None when there is no such report."""
        passage = self.passage_named(source_id, passage)
        key = ("source", source_id, links, passage, self._stamp())
        page = self._cached(key)
        if page is None:
            source = self.dispatcher.store.current.sources.get(source_id)
            if source is None:
                return None
            brief = self.brief(links.lang)
            page = self._keep(key, self.render_source(source, brief, links, passage))
        return page

    def described(self, source: Source, lang: str) -> Described:
        meta = source.meta
        translations = self.dispatcher.store.current.translations
        translation = translations.get(lang) if lang != DEFAULT else None
        report = translation.report(source.id) if translation is not None else None
        if report is None:
            return Described(meta.label, meta.published_basis, meta.not_before_basis, meta.notes)
        return Described(
            report.label, report.published_basis, report.not_before_basis, report.notes
        )

    def render_source(
        self, source: Source, brief: Brief, links: SiteLinks, passage: str | None = None
    ) -> str:
        lang = links.lang
        marked = mark_source(source, brief.quotes_by_source.get(source.id, ()))
        view = SourceView(
            source,
            marked,
            brief.claims_by_passage.get(source.id, {}),
            self.described(source, lang),
        )
        preview = (
            self.previews.passage(source.id, passage, lang) if passage else None
        ) or self.previews.source(source.id, lang)
        name = quote_path(source.id, safe="")
        address = f"/sources/{name}" + (f"?{PASSAGE_QUERY}={passage}" if passage else "")
        page = f"sources/{name}.html" if links.static else f"sources/{name}"
        return self._render(
            "source.html",
            links,
            page,
            view=view,
            meta=source.meta,
            og=self._og(preview, address, lang),
        )

    def query_limit(self) -> int:
        command = self.dispatcher.registry.get(SEARCH_COMMAND)
        return command.options[0].max_length if command and command.options else 200

    def search(self, query: str, links: SiteLinks) -> str:
        """The /quote page: the same search, cut to the same length, as the chat command."""
        lang = links.lang
        reply: Reply | None = None
        command = self.dispatcher.registry.get(SEARCH_COMMAND)
        if query.strip() and command is not None:
            try:
                # The trailing flag we add is the one binding strips, so a query that
                # itself ends in "public" is searched whole; nothing is posted anywhere.
                request = bind(command, f"{query} {PUBLIC_FLAG}", platform="web", locale=lang)
            except UsageError:
                request = None
            if request is not None:
                reply = self.dispatcher.run(dataclasses.replace(request, public=False))
        shown = query[: self.query_limit()]
        preview = self.previews.search(shown, lang) if reply else None
        return self._render(
            "quote.html",
            links,
            "quote",
            reply=reply,
            query=shown,
            og=self._og(preview, f"/quote?q={quote_path(shown, safe='')}", lang),
        )

    def not_found(self, links: SiteLinks) -> str:
        return self._render("not_found.html", links, "", og=None)


def _history_stamp(history: History | None) -> tuple[int | None, bool] | None:
    """What of the recorded versions a page shows: it changes with a new version."""
    return (history.latest, history.available) if history is not None else None
