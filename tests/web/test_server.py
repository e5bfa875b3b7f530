"""The web pages over real HTTP: same content as the commands, safe, and always an answer."""

import html
from datetime import UTC
from pathlib import Path

import pytest

from bot.core.dispatch import Dispatcher
from bot.web.passages import anchor
from tests.web.conftest import Served, hrefs

PAGES = ["/", "/sources/epoch-times", "/sources/washington-report", "/quote", "/quote?q=Romo"]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_has_a_strict_csp_and_no_script_or_inline_style(
    served: Served, path: str
) -> None:
    status, body, headers = await served.get(path)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'none'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in body
    assert " style=" not in body
    assert "<style" not in body
    assert body.count("<h1") == 1


async def test_the_brief_shows_every_topic_as_its_command_answers_it(
    served: Served, dispatcher: Dispatcher
) -> None:
    _, body, _ = await served.get("/")
    text = html.unescape(body)
    for topic in ("ruling", "numbers", "status", "timeline", "who", "sources"):
        reply = dispatcher.run_line(f"/{topic}")
        assert f'id="{topic}"' in body
        assert reply.title in text
        for section in reply.sections:
            for item in section.items:
                assert item.text.replace("`", "") in text.replace("<code>", "").replace(
                    "</code>", ""
                )
        assert reply.as_of is not None
        assert f'As of <time datetime="{reply.as_of.date.isoformat()}">' in body
        for citation in reply.citations:  # every marker links to its passage
            assert f'href="sources/{citation.source_id}#{anchor(citation.quote)}"' in body


async def test_the_brief_warns_when_the_reporting_is_old(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    from datetime import datetime

    from bot.app import build_dispatcher
    from bot.settings import Settings
    from tests.web.conftest import serve, shared_app

    seeds, summaries = content_dirs
    late = build_dispatcher(
        Settings(
            seeds_dir=seeds,
            summaries_dir=summaries,
            _env_file=None,
            database_url=f"sqlite:///{tmp_path / 'late.sqlite3'}",
        ),
        lambda: datetime(2026, 9, 1, tzinfo=UTC),
    )
    runner, url = await serve(shared_app(late))
    try:
        import aiohttp

        async with aiohttp.ClientSession() as session, session.get(url + "/") as response:
            body = html.unescape(await response.text())
        warning = late.run_line("/ruling").warnings[-1]
        assert "The case may have moved on" in warning
        assert warning in body
    finally:
        await runner.cleanup()


async def test_a_report_page_highlights_each_cited_passage_and_links_back(
    served: Served, dispatcher: Dispatcher
) -> None:
    _, body, _ = await served.get("/sources/epoch-times")
    ruling = dispatcher.run_line("/ruling")
    first = next(c for c in ruling.citations if c.source_id == "epoch-times")
    passage = anchor(first.quote)
    assert f'id="{passage}"' in body
    assert (
        f'<mark id="{passage}" class="cited">' in body
        or f'<span id="{passage}" class="sentence"><mark class="cited">' in body
    )
    assert 'href="../#ruling-1"' in body  # the claim resting on it
    assert "Photo caption:</span> The IRS in Washington on Jan. 6, 2026." in body
    assert "Credit line:</span> The Associated Press contributed to this report." in body
    assert 'The text says <a href="#' in body
    assert "Authored by Jack Phillips" in body


async def test_the_search_page_gives_the_same_hits_as_the_quote_command(
    served: Served, dispatcher: Dispatcher
) -> None:
    _, body, _ = await served.get("/quote?q=Romo+declaration")
    reply = dispatcher.run_line("/quote Romo declaration")
    assert reply.citations
    for citation in reply.citations:
        assert f'href="sources/{citation.source_id}#{anchor(citation.quote)}"' in body
        _, source_page, _ = await served.get(f"/sources/{citation.source_id}")
        assert (
            f'id="{anchor(citation.quote)}"' in source_page
        )  # the hit's sentence is there to land on


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "Romo " * 1000,
    "Romo " * 10_000,  # 50 KB of query in the address
    "\u202eRomo\u202c \u0000 \ufeff \U0001d518\U0001d52b \U0001f9d1\u200d\u2696\ufe0f \u0301\u0301",
    "@everyone <!channel> <@U123> https://evil.example",
    "' OR 1=1 --",
    "public",
    "   ",
]


@pytest.mark.parametrize("query", HOSTILE)
async def test_any_query_gets_an_escaped_answer_within_the_command_limits(
    served: Served, query: str
) -> None:
    status, body, headers = await served.get("/quote", params={"q": query})
    assert status == 200
    assert "Content-Security-Policy" in headers
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "<svg" not in body
    assert 'href="javascript' not in body
    for element in ("<input", "<h2"):  # the echoed query never exceeds the command's limit
        for tag in body.split(element)[1:]:
            assert len(tag.split(">", 1)[0]) < 600
    if len(query) > 200:
        assert "Your words was cut to its first 200 characters." in html.unescape(body)


async def test_a_query_too_long_for_a_url_is_refused_cleanly(served: Served) -> None:
    status, body, _ = await served.get("/quote", params={"q": "x" * 100_000})
    assert 400 <= status < 500
    assert "Traceback" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/sources/nope",
        "/sources/",
        "/sources/epoch-times/extra",
        "/sources/%2e%2e%2fsettings.py",
        "/sources/<script>",
        "/quote/x",
        "/static/nope.css",
    ],
)
async def test_unknown_pages_get_a_404_page(served: Served, path: str) -> None:
    status, body, headers = await served.get(path)
    assert status == 404
    assert "<h1>Page not found</h1>" in body
    assert 'href="/"' in body
    assert "Content-Security-Policy" in headers
    assert "<script" not in body


async def test_the_shared_servers_own_routes_are_untouched(served: Served) -> None:
    status, body, _ = await served.get("/healthz")
    assert status == 200
    assert '"ok": true' in body
    async with served.session.post(served.url + "/slack/events", data="x") as response:
        assert response.status == 200
        assert await response.text() == "event"
    async with served.session.post(served.url + "/nowhere", data="x") as response:
        assert response.status == 404
        assert "Page not found" not in await response.text()
    async with served.session.post(served.url + "/", data="x") as response:
        assert response.status == 405


async def test_head_answers_without_a_body(served: Served) -> None:
    async with served.session.head(served.url + "/sources/epoch-times") as response:
        assert response.status == 200
        assert await response.read() == b""


async def test_an_edit_shows_on_the_next_request_and_a_broken_one_keeps_the_last_good_pages(
    served: Served, dispatcher: Dispatcher, content_dirs: tuple[Path, Path]
) -> None:
    _, summaries = content_dirs
    ruling = summaries / "ruling.md"
    original = ruling.read_text(encoding="utf-8")
    # An edit that adds no fact, so it passes the support check:
    ruling.write_text(
        original.replace("- On Thursday, Feb. 26, 2026,", "- On Thursday, Feb. 26, 2026 (edited),"),
        encoding="utf-8",
    )
    assert (
        dispatcher.store.reload_if_changed() == ()
    )  # what the content watcher does every few seconds
    _, body, _ = await served.get("/")
    assert "2026 (edited)," in body

    ruling.write_text(
        original.replace("approximately 42,695 times by", "approximately 99,999 times by"),
        encoding="utf-8",
    )
    assert dispatcher.store.reload_if_changed()  # problems reported ...
    status, body, _ = await served.get("/")
    assert status == 200
    assert "2026 (edited)," in body
    status, body, _ = await served.get("/sources/epoch-times")
    assert status == 200
    assert "99,999" not in body


async def test_links_on_served_pages_are_relative_so_any_mount_point_works(served: Served) -> None:
    for path in PAGES:
        _, body, _ = await served.get(path)
        for href in hrefs(body):
            assert not href.startswith(("http:", "https:", "//", "javascript:")), href
