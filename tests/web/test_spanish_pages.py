"""The web pages in Spanish under /es/, over real HTTP: the same pages as in English, in
Spanish, each naming its other language (hreflang) and linking to it; and chat replies in
Spanish linking there.
"""

import html
from pathlib import Path

import aiohttp

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.settings import Settings
from bot.web.links import SiteLinks
from bot.web.pages import WebPages
from bot.web.passages import anchor
from bot.web.previews import Previews
from tests.conftest import FRESH_DAY
from tests.web.conftest import Served, serve, shared_app

BASE = "https://brief.example.org"


async def test_es_serves_the_brief_in_spanish(served: Served, dispatcher: Dispatcher) -> None:
    status, body, _ = await served.get("/es/")
    assert status == 200
    assert body.startswith('<!doctype html>\n<html lang="es">')
    text = html.unescape(body)
    for topic in ("ruling", "numbers", "status", "timeline", "who", "sources"):
        reply = dispatcher.run_line(f"/{topic}", locale="es")
        assert reply.title in text
        for citation in reply.citations:
            assert f'href="sources/{citation.source_id}#{anchor(citation.quote)}"' in body
    assert '<link rel="alternate" hreflang="en" href="../">' in body
    assert '<link rel="alternate" hreflang="es" href="../es/">' in body
    assert '<a href="../" hreflang="en" lang="en">English</a>' in body
    assert '<span aria-current="page" lang="es">Español</span>' in body
    assert 'href="../static/web.css"' in body
    status, english, _ = await served.get("/")
    assert '<a href="es/" hreflang="es" lang="es">Español</a>' in english


async def test_every_spanish_page_answers_and_es_without_a_slash_redirects(
    served: Served,
) -> None:
    for path in ("/es/sources/epoch-times", "/es/sources/washington-report", "/es/quote?q=Romo"):
        status, body, _ = await served.get(path)
        assert status == 200, path
        assert '<html lang="es">' in body
    _, report, _ = await served.get("/es/sources/washington-report")
    assert "Informe de WASHINGTON sin fecha (medio no indicado)" in report
    assert "Sobre este informe" in report
    assert 'href="../../sources/washington-report"' in report  # the same report in English
    status, _, headers = await served.get("/es")
    assert status == 308
    assert headers["Location"] == "/es/"
    status, missing, _ = await served.get("/es/sources/no-such-report")
    assert status == 404
    assert "Página no encontrada" in missing
    assert 'href="/static/web.css"' in missing


async def test_with_public_url_the_alternates_and_og_url_are_absolute(
    dispatcher: Dispatcher,
) -> None:
    pages = WebPages(dispatcher, public_url=BASE)
    page = pages.index(SiteLinks(lang="es"), "numbers")
    assert f'<link rel="alternate" hreflang="en" href="{BASE}/">' in page
    assert f'<link rel="alternate" hreflang="es" href="{BASE}/es/">' in page
    assert f'<meta property="og:url" content="{BASE}/es/?topic=numbers">' in page
    assert '<meta property="og:title" content="Las cifras">' in page
    report = pages.source("epoch-times", SiteLinks(root="../", lang="es"))
    assert report is not None
    assert f'hreflang="en" href="{BASE}/sources/epoch-times"' in report


def test_spanish_chat_replies_link_to_the_spanish_pages(settings: Settings) -> None:
    configured = settings.model_copy(update={"public_url": BASE})
    dispatcher = build_dispatcher(configured, lambda: FRESH_DAY)
    reply = dispatcher.run_line("/numbers", locale="es")
    assert reply.url == f"{BASE}/es/?topic=numbers#numbers"
    citation = reply.citations[0]
    assert citation.url is not None
    assert citation.url.startswith(f"{BASE}/es/sources/{citation.source_id}?passage=p-")
    english = dispatcher.run_line("/numbers")
    assert english.url == f"{BASE}/?topic=numbers#numbers"


def test_spanish_links_unfurl_in_spanish(dispatcher: Dispatcher) -> None:
    previews = Previews(dispatcher)
    topic = previews.for_address(f"{BASE}/es/?topic=numbers", BASE)
    assert topic is not None
    assert topic.title == "Las cifras"
    home = previews.for_address(f"{BASE}/es/", BASE)
    assert home is not None
    assert home.title == "El IRS, ICE y los datos de los contribuyentes: resumen del caso"
    report = previews.for_address(f"{BASE}/es/sources/washington-report", BASE)
    assert report is not None
    assert report.title == "Informe de WASHINGTON sin fecha (medio no indicado)"


async def test_a_topic_whose_spanish_is_behind_points_to_the_english(
    content_dirs: tuple[Path, Path], settings: Settings
) -> None:
    _, summaries = content_dirs
    english = summaries / "numbers.md"
    english.write_text(
        english.read_text(encoding="utf-8").replace("# The numbers", "# The key numbers"),
        encoding="utf-8",
    )
    plain = build_dispatcher(settings, lambda: FRESH_DAY)
    behind = plain.run_line("/numbers", locale="es")
    assert behind.title == "Las cifras"
    assert (
        "Esta versión en español puede estar atrasada: el texto en inglés se editó después de "
        "traducirse." in behind.warnings
    )
    assert behind.english == "/numbers lang:en"
    assert plain.run_line("/status", locale="es").english is None
    linked = build_dispatcher(
        settings.model_copy(update={"public_url": BASE}), lambda: FRESH_DAY
    ).run_line("/numbers", locale="es")
    assert linked.english == f"{BASE}/?topic=numbers#numbers"
    runner, url = await serve(shared_app(plain))
    try:
        async with aiohttp.ClientSession() as session, session.get(f"{url}/es/") as response:
            page = await response.text()
        assert '<a href="../#numbers" hreflang="en">Leer la versión en inglés</a>' in page
    finally:
        await runner.cleanup()
