"""The web pages in a real headless browser (Debian's chromium, driven by Playwright).

Served by the bot and as a static export opened from disk: follow a citation to its
highlighted passage, crawl every link, check accessibility with axe-core, feed hostile
queries, and take screenshots at phone and desktop width.
"""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

from bot.app import build_dispatcher
from bot.settings import Settings
from bot.web.site import export_site
from tests.web.browser import ServerThread, chromium

ROOT = Path(__file__).resolve().parents[2]
CLOCK = lambda: datetime(2026, 3, 10, 12, tzinfo=UTC)  # noqa: E731
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


class Site:
    def __init__(self, url: str, static: Path) -> None:
        self.url = url
        self.static = static


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    shutil.copytree(ROOT / "summaries", folder / "summaries")
    settings = Settings(
        seeds_dir=folder / "seeds",
        summaries_dir=folder / "summaries",
        _env_file=None,
        database_url=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    dispatcher = build_dispatcher(settings, CLOCK)
    export_site(dispatcher, folder / "static-site")
    with ServerThread(dispatcher) as server:
        yield Site(server.url, folder / "static-site")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    yield page
    context.close()


def _in_view(page: Any, element_id: str) -> bool:
    """Waits (briefly) for the browser to scroll the element into view, as it does for a
    fragment.
    """
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        page.wait_for_function(
            """id => {
            const el = document.getElementById(id);
            if (!el) return false;
            const r = el.getBoundingClientRect();
            // -2: sub-pixel scroll offsets
            return r.height > 0 && r.top > -2 && r.top < window.innerHeight;
        }""",
            arg=element_id,
            timeout=5_000,
        )
    except PageTimeout:
        return False
    return True


def _highlighted(page: Any, element_id: str) -> bool:
    """The element is (or holds, or sits in) a <mark> with a visible background, and is the
    :target.
    """
    return bool(
        page.evaluate(
            """id => {
        const el = document.getElementById(id);
        const mark = el.matches('mark') ? el : (el.querySelector('mark') || el.closest('mark'));
        if (!mark) return false;
        const bg = getComputedStyle(mark).backgroundColor;
        return el.matches(':target') && bg !== 'rgba(0, 0, 0, 0)'
            && getComputedStyle(el).outlineStyle === 'solid';
    }""",
            element_id,
        )
    )


def _follow_first_citation(page: Any, start: str) -> str:
    page.goto(start)
    marker = page.locator("#ruling a.cite").first
    href = marker.get_attribute("href")
    assert href
    assert "#p-" in href
    marker.click()
    page.wait_for_url(f"**/{href}")
    fragment = urlsplit(page.url).fragment
    assert _in_view(page, fragment), "the passage is not in view"
    assert _highlighted(page, fragment), "the passage is not highlighted"
    return fragment


def test_a_citation_opens_its_report_at_the_highlighted_passage(site: Site, page: Any) -> None:
    fragment = _follow_first_citation(page, site.url + "/")
    assert page.url.startswith(site.url + "/sources/")
    # and the claims citing it link back to the brief, landing on the claim
    back = page.locator(f".cited-by a[href='#{fragment}'] + ul a").first
    claim = (back.get_attribute("href") or "").partition("#")[2]
    back.click()
    page.wait_for_url(f"**/#{claim}")
    assert _in_view(page, claim)


def test_the_static_export_works_from_disk_the_same_way(site: Site, page: Any) -> None:
    _follow_first_citation(page, (site.static / "index.html").as_uri())
    assert page.url.startswith("file://")
    assert "/sources/" in page.url
    # the stylesheet loaded (the CSP <meta> allows it from disk too)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('mark.cited')).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )


def _crawl(page: Any, start: str, *, served: bool) -> int:
    """Visit every page reachable by links: each exists, and each link's anchor is on its page."""
    ids: dict[str, set[str]] = {}
    wanted: list[tuple[str, str]] = []  # (link, found on page)
    queue = [start]
    while queue:
        address = queue.pop()
        if address in ids:
            continue
        response = page.goto(address)
        if served:
            assert response is not None, address
            assert response.status == 200, address
        else:
            assert Path(urlsplit(address).path).is_file(), address
        ids[address] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        for link in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            target = urldefrag(link)[0]
            if served:
                assert urlsplit(target).netloc == urlsplit(start).netloc, (
                    f"{address} links off the site: {link}"
                )
            else:
                assert urlsplit(target).scheme == "file", f"{address} links off the export: {link}"
            wanted.append((link, address))
            queue.append(target)
    for link, where in wanted:
        target, fragment = urldefrag(link)
        assert not fragment or fragment in ids[target], f"{where}: {link} has no such anchor"
    return len(wanted)


def test_every_link_on_every_served_page_resolves(site: Site, page: Any) -> None:
    assert _crawl(page, site.url + "/", served=True) > 100
    assert _crawl(page, site.url + "/quote?q=Romo", served=True) > 5


def test_every_link_of_the_static_export_resolves(site: Site, page: Any) -> None:
    assert _crawl(page, (site.static / "index.html").as_uri(), served=False) > 100


PAGES = [
    "/",
    "/sources/epoch-times",
    "/sources/washington-report",
    "/quote",
    "/quote?q=Romo+declaration",
    "/missing",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(site: Site, browser: Any, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(site.url + path)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)><svg onload=alert(3)>',
    "</title><script>alert(4)</script>",
    "Romo " * 2000,
    (
        "\u202eRomo\u202c \u0000 \ufeff\U0001d518\U0001d52b\U0001d526 \U0001f9d1\u200d\u2696\ufe0f "
        "e\u0301\u0301\u0301 \ud7ff"
    ),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_render_as_text_and_run_nothing(site: Site, page: Any, query: str) -> None:
    response = page.goto(
        site.url + "/quote?" + __import__("urllib.parse").parse.urlencode({"q": query})
    )
    assert response is not None
    assert response.status == 200
    assert "script-src 'none'" in response.headers["content-security-policy"]
    assert page.evaluate("document.querySelectorAll('script, img, svg, iframe').length") == 0
    assert page.locator("h1").count() == 1
    value = page.input_value("#q")
    assert len(value) <= 200
    assert value.split()[:1] == query.split()[:1]


def test_a_missing_page_answers_404_with_a_page(site: Site, page: Any) -> None:
    response = page.goto(site.url + "/sources/no-such-report")
    assert response is not None
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_role("link", name="Go to the brief").click()
    page.wait_for_url(site.url + "/")


def test_keyboard_focus_is_visible_and_skips_to_the_content(site: Site, page: Any) -> None:
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["skip-link", "solid"]
    assert (
        page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    )  # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_print_leaves_out_navigation_and_keeps_the_highlights(
    site: Site, page: Any, tmp_path: Path
) -> None:
    page.goto(site.url + "/sources/epoch-times")
    page.emulate_media(media="print")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header form')).display")
        == "none"
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('mark.cited')).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    page.pdf(path=str(tmp_path / "source.pdf"))
    assert (tmp_path / "source.pdf").stat().st_size > 10_000


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_fit_the_width(
    site: Site, browser: Any, viewport: dict[str, int], scheme: str, tmp_path: Path
) -> None:
    """Saved in the test's tmp dir; set WEB_SHOTS_DIR to keep a copy to look at."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    try:
        page = context.new_page()
        for name, path in (
            ("brief", "/"),
            ("source", "/sources/epoch-times"),
            ("passage", "/sources/washington-report#" + _first_passage(site, page)),
            ("search", "/quote?q=Romo+declaration"),
        ):
            page.goto(site.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
                f"{path} is too wide"
            )
            shot = tmp_path / f"{name}-{viewport['width']}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=name != "passage")
            assert shot.stat().st_size > 5_000
            if keep := os.environ.get("WEB_SHOTS_DIR"):
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, keep)
    finally:
        context.close()


def _first_passage(site: Site, page: Any) -> str:
    page.goto(site.url + "/sources/washington-report")
    return str(
        page.evaluate(
            "document.querySelector('.paragraph:nth-child(6) mark.cited[id], "
            ".paragraph:nth-child(6) span.sentence[id]').id"
        )
    )
