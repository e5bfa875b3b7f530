"""``python -m bot site OUTDIR``: the same pages as static files with relative links.

index.html, sources/<id>.html, static/web.css and 404.html. The search page needs the
bot's server (it runs the ranked search per request), so the static site has none.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from bot.core.dispatch import Dispatcher
from bot.web.links import SiteLinks
from bot.web.pages import SITE_NAME, STYLESHEET, WebPages

INDEX = SiteLinks(root="", static=True)
SOURCE_PAGE = SiteLinks(root="../", static=True)


@dataclass(frozen=True, slots=True)
class Export:
    pages: int
    folder: Path


def export_site(dispatcher: Dispatcher, folder: Path, *, public_url: str | None = None) -> Export:
    """Write every page into ``folder``; report pages of sources no longer served are removed."""
    pages = WebPages(dispatcher, public_url=public_url)  # og:url with PUBLIC_URL
    sources_dir = folder / "sources"
    sources_dir.mkdir(parents=True, exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)
    shutil.copyfile(STYLESHEET, folder / "static" / "web.css")
    (folder / "index.html").write_text(pages.index(INDEX), encoding="utf-8")
    (folder / "404.html").write_text(pages.not_found(INDEX), encoding="utf-8")
    written = {"index.html", "404.html"}
    current = set()
    brief = pages.brief()
    for source in dispatcher.store.current.sources.values():
        name = f"{source.id}.html"
        current.add(name)
        (sources_dir / name).write_text(
            pages.render_source(source, brief, SOURCE_PAGE), encoding="utf-8"
        )
    for stale in sources_dir.glob("*.html"):
        if stale.name not in current and _ours(stale):  # OUTDIR may hold the operator's own pages
            stale.unlink()
    return Export(len(written) + len(current), folder)


def _ours(page: Path) -> bool:
    """A report page an earlier export wrote: it names the site in its header."""
    try:
        return str(escape(SITE_NAME)) in page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
