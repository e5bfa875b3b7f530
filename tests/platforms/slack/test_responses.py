"""Answers through response URLs: one kept-alive session, the message as JSON, one more try
on a new connection when the kept one turns out closed; a page's body encoded once, until
the content reloads.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.presses import paged_reply
from bot.platforms.slack.presses import page_body, slack_page
from bot.platforms.slack.responses import ResponseUrls, encode
from tests.platforms.edits import REWORDED, reword_numbers


class DroppingServer:
    """A response URL whose first ``drops`` connections are closed once a request arrived,
    unanswered (as a server closes a kept-alive connection the moment it is reused); the
    connections after that are answered 200 "ok". Raw HTTP, so nothing is hidden.
    """

    def __init__(self, drops: int) -> None:
        self.drops = drops
        self.connections = 0
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/response/1"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        dropped = self.connections <= self.drops
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")[1:]
                headers = {
                    k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)
                }
                body = await reader.readexactly(int(headers["content-length"]))
                if dropped:
                    return
                self.headers.append(headers)
                self.bodies.append(json.loads(body))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@pytest.fixture
async def responses() -> AsyncIterator[ResponseUrls]:
    urls = ResponseUrls(timeout=5)
    yield urls
    await urls.close()


async def test_an_answer_goes_as_json_over_one_kept_alive_connection(
    responses: ResponseUrls,
) -> None:
    server = DroppingServer(drops=0)
    url = await server.start()
    try:
        await responses.send(url, text="Página 2", response_type=None, replace_original=True)
        await responses.post(url, encode({"text": "again", "replace_original": False}))
        assert server.bodies == [
            {"text": "Página 2", "replace_original": True},  # fields left None are not sent
            {"text": "again", "replace_original": False},
        ]
        assert server.headers[0]["content-type"] == "application/json;charset=utf-8"
        assert server.headers[0]["user-agent"].startswith("Python/")  # slack_sdk's, as before
        assert server.connections == 1
    finally:
        await server.stop()


async def test_an_answer_whose_connection_is_dropped_goes_once_more_on_a_new_one(
    responses: ResponseUrls,
) -> None:
    server = DroppingServer(drops=1)
    url = await server.start()
    try:
        await responses.send(url, text="page 2", replace_original=True)
        assert server.bodies == [{"text": "page 2", "replace_original": True}]
        assert server.connections == 2
    finally:
        await server.stop()


async def test_an_answer_dropped_twice_fails_loudly(responses: ResponseUrls) -> None:
    server = DroppingServer(drops=2)
    url = await server.start()
    try:
        with pytest.raises(aiohttp.ClientError):
            await responses.send(url, text="page 2", replace_original=True)
        assert server.bodies == []
    finally:
        await server.stop()


async def test_a_page_body_is_encoded_once_until_the_content_reloads(
    dispatcher: Dispatcher,
) -> None:
    paged = paged_reply(dispatcher, dispatcher.run_line("/numbers"))
    body = page_body(paged, 2, None, update=True)
    assert page_body(paged, 2, None, update=True) is body  # kept, not encoded again
    page = slack_page(paged, 2)
    assert json.loads(body) == {
        "text": page["text"],
        "blocks": page["blocks"],
        "replace_original": True,
    }
    private = json.loads(page_body(paged, 2, None, update=False))
    assert private["response_type"] == "ephemeral"
    assert private["replace_original"] is False
    reloaded = reword_numbers(dispatcher)
    assert REWORDED in page_body(reloaded, 2, None, update=True).decode()
    assert REWORDED not in body.decode()
