"""``/changes`` and "Corrected <date>" on ``/``: the recorded versions on the web, served
and exported, in English and Spanish; in a real browser too (links, anchors, axe-core).
"""

import asyncio
import html
import re
import shutil
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.app import build_dispatcher
from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import load_content
from bot.core.dispatch import Dispatcher
from bot.settings import Settings
from bot.storage.base import StorageError
from bot.storage.connect import open_store
from bot.updates import history
from bot.updates.versions import VersionChanges
from bot.web.changes import HistorySource, build_history
from bot.web.server import build_web_app
from bot.web.site import export_site
from tests.web.browser import ServerThread, chromium
from tests.web.conftest import serve

ROOT = Path(__file__).resolve().parents[2]
CLOCK = lambda: datetime(2026, 3, 10, 12, tzinfo=UTC)  # noqa: E731
T1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 9, 15, 30, tzinfo=UTC)
CORRECTION = "It gave the page count without its source."


def edit(summaries: Path, name: str, old: str, new: str) -> None:
    file = summaries / name
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_claim(file: Path, claim_id: str) -> None:
    lines = file.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "{#" + claim_id + "}" in line)
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    del lines[start:end]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def recorded_brief(folder: Path) -> tuple[Dispatcher, list[VersionChanges]]:
    """Content recorded as version 1, then corrected (numbers-13-pages, in English and
    Spanish) with a claim withdrawn (numbers-more-than-42000) as version 2.
    """
    seeds, summaries = folder / "seeds", folder / "summaries"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copytree(ROOT / "summaries", summaries)

    async def record(at: datetime) -> list[VersionChanges]:
        store = await open_store(f"sqlite:///{folder / 'db.sqlite3'}")
        try:
            await history.record(store, load_content(seeds, summaries, TOPIC_COMMANDS), at)
            return await history.changes_since(store, 0)
        finally:
            await store.close()

    asyncio.run(record(T1))
    edit(
        summaries,
        "numbers.md",
        "per The Epoch Times. {#numbers-13-pages}",
        f"per the Epoch Times report. {{#numbers-13-pages}}\n  ! Correction: {CORRECTION}",
    )
    edit(
        summaries,
        "es/numbers.md",
        "{#numbers-13-pages}",
        "{#numbers-13-pages}\n  ! Corrección: No decía de dónde sale el número de páginas.",
    )
    for file in (summaries / "numbers.md", summaries / "es" / "numbers.md"):
        remove_claim(file, "numbers-more-than-42000")
    versions = asyncio.run(record(T2))
    settings = Settings(
        seeds_dir=seeds,
        summaries_dir=summaries,
        _env_file=None,
        database_url=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    return build_dispatcher(settings, CLOCK), versions


def fixed(versions: Sequence[VersionChanges]) -> HistorySource:
    async def load() -> Sequence[VersionChanges]:
        return versions

    return HistorySource(load)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dispatcher, list[VersionChanges]]:
    return recorded_brief(tmp_path_factory.mktemp("changes"))


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def get(url: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        return await response.text()


async def test_the_changes_page_lists_every_version_newest_first(
    recorded: tuple[Dispatcher, list[VersionChanges]],
) -> None:
    dispatcher, versions = recorded
    runner, url = await serve(build_web_app(dispatcher, history=fixed(versions)))
    try:
        page = await get(url + "/changes")
        spanish = await get(url + "/es/changes")
        brief = await get(url + "/")
    finally:
        await runner.cleanup()
    words = text_of(page)
    assert words.index("Version 2 · March 9, 2026") < words.index("Version 1 · March 1, 2026")
    assert f"Correction · Corrected March 9, 2026: {CORRECTION}" in words
    assert "13: pages in the Feb. 26, 2026 opinion, per the Epoch Times report." in words
    assert "Before: 13: pages in the Feb. 26, 2026 opinion, per The Epoch Times." in words
    assert "Withdrawn March 9, 2026" in words
    assert "The first recorded version: 77 claims." in words
    assert 'id="v2-numbers-13-pages"' in page
    assert "sources/epoch-times#p-" in page  # each quote links to its passage
    assert "Corrección · Corregida el 9 de marzo de 2026" in text_of(spanish)
    assert "Las afirmaciones se muestran en inglés" in text_of(spanish)
    # the brief: the correction shown with the claim, and marked, linking to /changes
    assert f"(Correction: {CORRECTION})" in text_of(brief)
    assert (
        '<a class="corrected" href="changes#v2-numbers-13-pages">Corrected March 9, 2026</a>'
        in brief
    )


async def test_without_versions_the_page_says_so_and_a_database_fault_is_noted(
    dispatcher: Dispatcher,
) -> None:
    calls = 0

    async def failing() -> Sequence[VersionChanges]:
        nonlocal calls
        calls += 1
        msg = "cannot reach the database"
        raise StorageError(msg)

    runner, url = await serve(build_web_app(dispatcher, history=HistorySource(failing, ttl=60)))
    bare, bare_url = await serve(build_web_app(dispatcher))
    try:
        faulty = text_of(await get(url + "/changes"))
        await get(url + "/")
        empty = text_of(await get(bare_url + "/changes"))
    finally:
        await runner.cleanup()
        await bare.cleanup()
    assert "The versions cannot be read right now" in faulty
    assert calls == 1  # read again only after the ttl
    assert "No version of the brief has been recorded yet." in empty


def test_the_static_export_writes_the_changes_page_and_marks(
    recorded: tuple[Dispatcher, list[VersionChanges]], tmp_path: Path
) -> None:
    dispatcher, versions = recorded
    export_site(dispatcher, tmp_path / "site", history=build_history(versions))
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="changes.html#v2-numbers-13-pages"' in index
    changes = (tmp_path / "site" / "changes.html").read_text(encoding="utf-8")
    assert 'id="v2-numbers-13-pages"' in changes
    spanish = (tmp_path / "site" / "es" / "index.html").read_text(encoding="utf-8")
    assert "Corrección: No decía de dónde sale el número de páginas." in html.unescape(spanish)
    assert 'href="changes.html#v2-numbers-13-pages">Corregida el 9 de marzo de 2026' in spanish


async def test_database_versions_open_a_database_only_once_it_exists(tmp_path: Path) -> None:
    from bot.web.changes import DatabaseVersions, read_versions

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    exists = False

    async def opener():
        return await open_store(url) if exists else None

    assert await read_versions(opener) == []
    assert not (tmp_path / "db.sqlite3").exists()
    seeds, summaries = tmp_path / "seeds", tmp_path / "summaries"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copytree(ROOT / "summaries", summaries)
    store = await open_store(url)
    await history.record(store, load_content(seeds, summaries, TOPIC_COMMANDS), T1)
    await store.close()
    exists = True
    versions = DatabaseVersions(opener)
    try:
        assert [c.version.number for c in await versions()] == [1]
        assert [c.version.number for c in await versions()] == [1]
    finally:
        await versions.aclose()


# --- in a real browser --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(
    recorded: tuple[Dispatcher, list[VersionChanges]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    dispatcher, versions = recorded
    static = tmp_path_factory.mktemp("static-site")
    export_site(dispatcher, static, history=build_history(versions))
    with ServerThread(dispatcher, fixed(versions)) as server:
        yield server.url, static


@pytest.mark.parametrize("where", ["served", "static"])
def test_corrected_on_the_brief_opens_the_correction_in_view(
    site: tuple[str, Path], browser: Any, where: str
) -> None:
    url, static = site
    page = browser.new_page()
    try:
        page.goto(url + "/" if where == "served" else (static / "index.html").as_uri())
        mark = page.locator("a.corrected")
        assert mark.count() == 1
        assert mark.inner_text() == "Corrected March 9, 2026"
        mark.click()
        page.wait_for_url("**/changes*#v2-numbers-13-pages")
        assert urlsplit(page.url).fragment == "v2-numbers-13-pages"
        assert page.evaluate(
            """() => {
            const el = document.getElementById('v2-numbers-13-pages');
            const r = el.getBoundingClientRect();
            return el.matches(':target') && r.top > -2 && r.top < window.innerHeight;
        }"""
        )
        # every link on the page resolves
        for link in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            if where == "static":
                assert Path(urlsplit(link).path).is_file(), link
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/changes", "/es/changes", "/"])
def test_no_accessibility_violations_on_the_changes(
    site: tuple[str, Path], browser: Any, path: str, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(site[0] + path)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


def test_the_changes_page_fits_a_phone(site: tuple[str, Path], browser: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(site[0] + "/changes")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
