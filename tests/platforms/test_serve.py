"""``python -m bot run`` as operators start it: a subprocess, real sockets, real signals."""

import asyncio
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.hermetic import clean_env, outside_checkout

TOKEN = "xoxb-secret-bot-token-must-not-leak"
SECRET = "signing-secret-must-not-leak"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_serves_slack_http_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url,
                    HOST="127.0.0.1", PORT=str(port), LOG_LEVEL="DEBUG",
                    DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=outside_checkout(tmp_path), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            body = form(slash_payload("/who", "Romo"))
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                                    headers=signed_headers(SECRET, body)) as resp:
                assert resp.status == 200 and "Dottie Romo" in await resp.text()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
        output = (stdout + stderr).decode()
        assert TOKEN not in output and SECRET not in output
        assert "stopping" in output
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_run_serves_slack_and_discord_in_one_process_and_stops_both(tmp_path: Path) -> None:
    from tests.fakes.discord import FakeDiscord

    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-socket-token", SLACK_API_URL=slack.api_url,
                    DISCORD_TOKEN=discord.token, DISCORD_API_URL=discord.api_url,
                    DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=outside_checkout(tmp_path), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await asyncio.wait_for(slack.connected.wait(), 20)
        await asyncio.wait_for(discord.identified.wait(), 20)
        assert "Status" in str((await slack.slash_command("/status"))["payload"]["blocks"][0])
        assert (await discord.interact("ruling"))["data"]["embeds"][0]["title"] == "The Feb. 26, 2026 ruling"
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
        assert "Invite: https://discord.com/oauth2/authorize?client_id=" in stdout.decode()
        assert discord.token not in (stdout + stderr).decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await slack.stop()
        await discord.stop()
