"""With PUBLIC_URL set, Slack and Discord replies link each citation and the reply to the web pages.

The links are built only from PUBLIC_URL, source ids and hashed anchors (plus the
percent-encoded words of a /quote); every other piece of text stays inert.
"""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.slack.runner import SlackRunner
from bot.renderers.discord import render_discord
from bot.renderers.slack import render_slack
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.renderers import discord_limits, slack_limits
from tests.web.conftest import Served

BASE = "https://brief.example.org/case"
SLACK_LINK = re.compile(r"<(https://brief\.example\.org/case/[^|<>]*)\|([^<>|]*)>")
DISCORD_LINK = re.compile(r"\[(\d+)\]\((https://brief\.example\.org/case/[^()\s]*)\)")
HOSTILE = "<https://evil.example|click> @everyone <!channel> [x](https://evil.example) Romo"


@pytest.fixture
def linked(settings: Settings) -> Dispatcher:
    clock = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731
    return build_dispatcher(settings.model_copy(update={"public_url": BASE}), clock)


def _without_slack_links(payload: dict) -> tuple[dict, list[tuple[str, str]]]:  # type: ignore[type-arg]
    found: list[tuple[str, str]] = []

    def strip(node):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node]
        if isinstance(node, str):
            found.extend(SLACK_LINK.findall(node))
            return SLACK_LINK.sub(lambda m: m.group(2), node)
        return node

    return strip(payload), found


def _without_discord_links(payload: dict) -> tuple[dict, list[tuple[str, str]]]:  # type: ignore[type-arg]
    """The payload without our links, and the links as (text, url); the title link has text ""."""
    found: list[tuple[str, str]] = []
    embeds = []
    for original in payload["embeds"]:
        embed = dict(original)
        if "url" in embed:
            found.append(("", embed.pop("url")))
        if "description" in embed:
            found += DISCORD_LINK.findall(embed["description"])
            embed["description"] = DISCORD_LINK.sub(r"\1", embed["description"])
        embeds.append(embed)
    return {**payload, "embeds": embeds}, found


@pytest.mark.parametrize(
    "line", ["/ruling", "/numbers", "/status", "/timeline", "/who", "/sources", "/quote Romo"]
)
def test_slack_links_each_citation_and_the_reply_within_limits(
    linked: Dispatcher, line: str
) -> None:
    reply = linked.run_line(line)
    payload = render_slack(reply)
    slack_limits.assert_within_limits(payload)
    rest, links = _without_slack_links(payload)
    slack_limits.assert_inert(rest)  # nothing else can form a link or a mention
    by_text = {text: url for url, text in links}
    for citation in reply.citations:
        assert by_text[f"[{citation.number}]"] == citation.url
        assert citation.url
        assert citation.url.startswith(f"{BASE}/sources/{citation.source_id}?passage=p-")
    assert reply.url in {url for url, _ in links}


@pytest.mark.parametrize("line", ["/ruling", "/numbers", "/who Romo", "/quote Romo declaration"])
def test_discord_links_each_citation_and_the_reply_within_limits(
    linked: Dispatcher, line: str
) -> None:
    reply = linked.run_line(line)
    payload = render_discord(reply)
    discord_limits.assert_within_limits(payload)
    rest, links = _without_discord_links(payload)
    discord_limits.assert_no_pings(rest)
    assert payload["embeds"][0]["url"] == reply.url
    urls = {str(c.number): c.url for c in reply.citations}
    shown = [(text, url) for text, url in links if text]
    assert len(shown) >= min(
        len(urls), 8
    )  # long replies drop some citations to fit, with a pointer
    if len(shown) < len(urls):  # the reader is told that parts were left out
        assert "left out to fit Discord" in payload["embeds"][-1]["footer"]["text"]
    assert all(urls[text] == url for text, url in shown)


def test_hostile_words_never_shape_a_link(linked: Dispatcher) -> None:
    reply = linked.run_line(f"/quote {HOSTILE}")
    assert reply.url
    assert reply.url.startswith(f"{BASE}/quote?q=")
    assert re.fullmatch(r"[A-Za-z0-9%._~/:?=-]+", reply.url)
    slack, slack_links = _without_slack_links(render_slack(reply))
    slack_limits.assert_inert(slack)
    assert all(url.startswith(BASE) for url, _ in slack_links)
    discord, discord_links = _without_discord_links(render_discord(reply))
    discord_limits.assert_no_pings(discord)
    assert all(url.startswith(BASE) for _, url in discord_links)


def test_without_public_url_nothing_links(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/numbers")
    assert reply.url is None
    assert all(c.url is None for c in reply.citations)
    slack_limits.assert_inert(render_slack(reply))
    discord_limits.assert_no_pings(render_discord(reply))


def test_help_and_errors_carry_no_links(linked: Dispatcher) -> None:
    for line in ("/help", "/nonsense", "/quote"):
        assert linked.run_line(line).url is None


async def test_every_citation_link_lands_on_its_passage(linked: Dispatcher) -> None:
    import aiohttp

    from tests.web.conftest import serve, shared_app

    runner, url = await serve(shared_app(linked))
    try:
        async with aiohttp.ClientSession() as session:
            served = Served(url, session)
            for line in (
                "/ruling",
                "/numbers",
                "/status",
                "/timeline",
                "/who",
                "/sources",
                "/quote 42,695",
            ):
                reply = linked.run_line(line)
                for citation in reply.citations:
                    assert citation.url is not None
                    path, _, fragment = citation.url.removeprefix(BASE).partition("#")
                    status, body, _ = await served.get(path)
                    assert status == 200, citation.url
                    assert f'id="{fragment}"' in body, citation.url
                assert reply.url is not None
                path, _, fragment = reply.url.removeprefix(BASE).partition("#")
                status, body, _ = await served.get(path)
                assert status == 200
                assert not fragment or f'id="{fragment}"' in body
    finally:
        await runner.cleanup()


async def test_slack_over_http_replies_with_the_links(settings: Settings, tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    secret = "signing-secret"
    configured = settings.model_copy(
        update={
            "public_url": BASE,
            "slack_bot_token": SecretStr("xoxb-test-token"),
            "slack_signing_secret": SecretStr(secret),
            "slack_api_url": fake.api_url,
            "host": "127.0.0.1",
            "port": 0,
        }
    )
    runner = SlackRunner(configured, build_dispatcher(configured))
    await runner.start()
    try:
        import aiohttp

        body = form(slash_payload("/ruling"))
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{runner.port}/slack/events",
                data=body,
                headers=signed_headers(secret, body),
            ) as resp,
        ):
            payload = await resp.json()
        assert f"<{BASE}/sources/epoch-times?passage=p-" in str(payload["blocks"])
        web = [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert web[-1]["url"] == f"{BASE}/?topic=ruling#ruling"  # the "Open on the web" button
    finally:
        await runner.stop()
        await fake.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


async def test_discord_gateway_interaction_gets_the_links(
    settings: Settings, fake_discord: FakeDiscord
) -> None:
    import asyncio

    configured = settings.model_copy(
        update={
            "public_url": BASE,
            "discord_token": SecretStr(fake_discord.token),
            "discord_api_url": fake_discord.api_url,
        }
    )
    runner = DiscordRunner(configured, build_dispatcher(configured))
    await runner.start()
    try:
        await asyncio.wait_for(fake_discord.identified.wait(), 10)
        data = (await fake_discord.interact("numbers"))["data"]
        assert data["embeds"][0]["url"] == f"{BASE}/?topic=numbers#numbers"
        sources = "\n".join(e.get("description", "") for e in data["embeds"][1:])
        assert f"\\[[1]({BASE}/sources/" in sources
    finally:
        await runner.stop()
