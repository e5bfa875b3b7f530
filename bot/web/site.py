"""``python -m bot site OUTDIR``: the same pages as static files with relative links.

index.html, sources/<id>.html, changes.html (the recorded versions), static/web.css and
404.html; the same pages in Spanish under es/ (es/index.html, es/changes.html,
es/sources/<id>.html, es/404.html). The search page needs the bot's
server (it runs the ranked search per request), so the static site has none.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from bot.core.dispatch import Dispatcher
from bot.i18n.locales import SUPPORTED
from bot.i18n.translator import Translator
from bot.web.changes import History
from bot.web.links import SiteLinks, lang_folder
from bot.web.pages import SITE_NAME, STYLESHEET, WebPages


@dataclass(frozen=True, slots=True)
class Export:
    pages: int
    folder: Path


def export_site(
    dispatcher: Dispatcher,
    folder: Path,
    *,
    public_url: str | None = None,
    history: History | None = None,
) -> Export:
    """Write every page, in every language, into ``folder``; report pages of sources no
    longer served are removed. ``history``: the recorded versions (changes.html, and
    "Corrected <date>" on the brief).
    """
    history = history or History()
    pages = WebPages(dispatcher, public_url=public_url)  # og:url with PUBLIC_URL
    (folder / "static").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLESHEET, folder / "static" / "web.css")
    written = 0
    for lang in SUPPORTED:
        written += _export(dispatcher, pages, folder / lang_folder(lang), lang, history)
    return Export(written, folder)


def _export(
    dispatcher: Dispatcher, pages: WebPages, folder: Path, lang: str, history: History
) -> int:
    index = SiteLinks(root="", static=True, lang=lang)
    source_page = SiteLinks(root="../", static=True, lang=lang)
    sources_dir = folder / "sources"
    sources_dir.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(pages.index(index, None, history), encoding="utf-8")
    (folder / "changes.html").write_text(pages.changes(index, history), encoding="utf-8")
    (folder / "404.html").write_text(pages.not_found(index), encoding="utf-8")
    current = set()
    brief = pages.brief(lang)
    for source in dispatcher.store.current.sources.values():
        name = f"{source.id}.html"
        current.add(name)
        (sources_dir / name).write_text(
            pages.render_source(source, brief, source_page), encoding="utf-8"
        )
    site_name = Translator(lang, dispatcher.store.current.catalogs)(SITE_NAME)
    for stale in sources_dir.glob("*.html"):
        # OUTDIR may hold the operator's own pages: only ours (naming the site) are removed.
        if stale.name not in current and _ours(stale, site_name):
            stale.unlink()
    return 3 + len(current)


def _ours(page: Path, site_name: str) -> bool:
    """A report page an earlier export wrote: it names the site in its header."""
    try:
        return str(escape(site_name)) in page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
