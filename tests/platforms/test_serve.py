"""``python -m bot run`` as operators start it: a subprocess, real sockets, real signals."""

import asyncio
import json
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
    env = clean_env(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="DEBUG",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
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
            async with session.post(
                f"http://127.0.0.1:{port}/slack/events",
                data=body,
                headers=signed_headers(SECRET, body),
            ) as resp:
                assert resp.status == 200
                assert "Dottie Romo" in await resp.text()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
        output = (stdout + stderr).decode()
        assert TOKEN not in output
        assert SECRET not in output
        assert "stopping" in output
        assert "will be unused" not in output  # Bolt's warning about the token it was given
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_run_serves_slack_and_discord_in_one_process_and_stops_both(tmp_path: Path) -> None:
    from tests.fakes.discord import FakeDiscord

    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    env = clean_env(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_APP_TOKEN="xapp-socket-token",
        SLACK_API_URL=slack.api_url,
        DISCORD_TOKEN=discord.token,
        DISCORD_API_URL=discord.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(slack.connected.wait(), 20)
        await asyncio.wait_for(discord.identified.wait(), 20)
        assert "Status" in str((await slack.slash_command("/status"))["payload"]["blocks"][0])
        assert (await discord.interact("ruling"))["data"]["embeds"][0][
            "title"
        ] == "The Feb. 26, 2026 ruling"
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


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    defaults = {
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env = clean_env(**{**defaults, **settings})
    env["BOT_TEST_CWD"] = str(outside_checkout(tmp_path))
    return env


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=outside_checkout(Path(env["BOT_TEST_CWD"])),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_ready(session: aiohttp.ClientSession, port: str, within: float = 30) -> dict:  # type: ignore[type-arg]
    body: dict = {}  # type: ignore[type-arg]
    for _ in range(int(within * 10)):
        try:
            async with session.get(f"http://127.0.0.1:{port}/readyz") as resp:
                body = await resp.json()
                if resp.status == 200:
                    return body
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    msg = f"not ready: {body}"
    raise AssertionError(msg)


async def test_a_gateway_closed_with_4014_stops_the_process_with_one_line_and_exit_3(
    tmp_path: Path,
) -> None:
    """Before supervision the gateway task died (4014) and the process ran on, half dead."""
    from tests.fakes.discord import FakeDiscord

    discord = await FakeDiscord().start()
    discord.close_on_identify = 4014
    process = await start_bot(
        bot_env(tmp_path, DISCORD_TOKEN=discord.token, DISCORD_API_URL=discord.api_url)
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        last = stderr.decode().strip().splitlines()[-1]
        assert process.returncode == 3
        assert last.startswith("Stopped: Discord closed the gateway with code 4014")
        assert "privileged intents" in last
        assert "Traceback" not in stderr.decode()
        assert discord.token not in stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await discord.stop()


async def test_sigterm_finishes_in_flight_replies_fast_and_slow_then_exits_0(
    tmp_path: Path,
) -> None:
    """A slow /recap (its database locked by another process) is acked with "Working on it"
    and still answered through the response URL after SIGTERM; fast ones are answered or,
    once stopping, turned away with 503: no reply is lost.
    """
    import sqlite3

    fake = await FakeSlack().start()
    env = bot_env(
        tmp_path,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        SLACK_ADMIN_USER_IDS="U1",
    )
    port = env["PORT"]
    process = await start_bot(env)
    url = f"http://127.0.0.1:{port}/slack/events"

    async def slash(
        session: aiohttp.ClientSession, command: str, text: str = ""
    ) -> tuple[int, str]:
        body = form(slash_payload(command, text, response_url=fake.response_url))
        async with session.post(url, data=body, headers=signed_headers(SECRET, body)) as resp:
            return resp.status, await resp.text()

    try:
        async with aiohttp.ClientSession() as session:
            await wait_ready(session, port)
            lock = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")  # another process holds the database
            slow = asyncio.create_task(slash(session, "/recap", "subscribe daily 09:00"))
            status, fast = await slash(session, "/numbers")
            assert status == 200
            assert "About 42,695" in fast
            status, acked = await slow
            assert status == 200
            assert "Working on it" in acked
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.5)
            late = await asyncio.gather(*(slash(session, "/numbers") for _ in range(3)))
            assert all(code == 503 for code, _ in late)
            lock.execute("COMMIT")  # the slow command can finish now
            lock.close()
        _stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
        assert len(fake.responses) == 1
        assert "Recap" in str(fake.responses[0])
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_two_processes_split_two_shards_and_both_answer(tmp_path: Path) -> None:
    from tests.fakes.discord import FakeDiscord

    discord = await FakeDiscord().start()
    envs = [
        bot_env(
            tmp_path,
            DISCORD_TOKEN=discord.token,
            DISCORD_API_URL=discord.api_url,
            DISCORD_SHARD_COUNT="2",
            DISCORD_SHARD_IDS=str(shard),
            DATABASE_URL=f"sqlite:///{tmp_path / f'db{shard}.sqlite3'}",
        )
        for shard in (0, 1)
    ]
    processes = [await start_bot(env) for env in envs]
    try:
        async with aiohttp.ClientSession() as session:
            for shard, env in enumerate(envs):
                ready = await wait_ready(session, env["PORT"])
                assert list(ready["components"]["discord"]["shards"]) == [str(shard)]
        assert discord.identified_shards == {0, 1}
        for shard in (0, 1):
            answer = await discord.interact("ruling", shard=shard)
            assert answer["data"]["embeds"][0]["title"] == "The Feb. 26, 2026 ruling"
        assert discord.syncs == ["global"]  # only the process holding shard 0 syncs commands
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.wait_for(process.communicate(), 20)
            assert process.returncode == 0
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await discord.stop()


async def test_a_database_that_cannot_be_opened_at_start_stops_the_process_with_one_line_and_exit_3(
    tmp_path: Path,
) -> None:
    fake = await FakeSlack().start()
    env = bot_env(
        tmp_path,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL="postgresql://postgres:pw-must-not-leak@127.0.0.1:1/test",
    )  # no server there
    process = await start_bot(env)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 3
        last = stderr.decode().strip().splitlines()[-1]
        assert last.startswith("Stopped: Invalid setting DATABASE_URL:")
        assert "pw-must-not-leak" not in stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_a_database_broken_while_running_pauses_recaps_and_every_other_command_answers(
    tmp_path: Path,
) -> None:
    fake = await FakeSlack().start()
    env = bot_env(
        tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url
    )
    process = await start_bot(env)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        async with aiohttp.ClientSession() as session:
            await wait_ready(session, env["PORT"])
            for suffix in ("", "-wal", "-shm"):
                (tmp_path / f"db.sqlite3{suffix}").unlink(missing_ok=True)
            (tmp_path / "db.sqlite3").write_bytes(b"not a database at all " * 200)
            body: dict = {}  # type: ignore[type-arg]
            for _ in range(200):  # shows in readiness within seconds
                async with session.get(f"{base}/readyz") as resp:
                    body = await resp.json()
                if resp.status == 503 and "database" in body["not_ready"]:
                    break
                await asyncio.sleep(0.1)
            assert "database" in body["not_ready"], body
            command = form(slash_payload("/numbers"))
            async with session.post(
                f"{base}/slack/events", data=command, headers=signed_headers(SECRET, command)
            ) as resp:
                assert resp.status == 200
                assert "42,695" in await resp.text()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert "Traceback" not in stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


# --- Issue 16 ------------------------------------------------------------------------------


async def test_a_guild_discord_refuses_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """DISCORD_GUILD_IDS naming a guild the bot is not in: 53 lines of discord.py's traceback."""
    from tests.fakes.discord import FakeDiscord

    discord = await FakeDiscord().start()
    discord.refused_guilds.add("999999999999999999")
    process = await start_bot(
        bot_env(
            tmp_path,
            DISCORD_TOKEN=discord.token,
            DISCORD_API_URL=discord.api_url,
            DISCORD_GUILD_IDS="999999999999999999",
        )
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await discord.stop()
    [line] = stderr.decode().strip().splitlines()  # checked before anything starts
    assert process.returncode == 2
    assert line.startswith("Invalid setting DISCORD_GUILD_IDS: Discord refused guild 999")
    assert "HTTP 403" in line


async def test_with_log_format_json_every_line_is_json_invite_and_stop_included(
    tmp_path: Path,
) -> None:
    """The invite line and ``Stopped: ...`` were printed as plain text among JSON lines."""
    from tests.fakes.discord import FakeDiscord

    discord = await FakeDiscord().start()
    discord.close_on_identify = 4014
    process = await start_bot(
        bot_env(
            tmp_path,
            DISCORD_TOKEN=discord.token,
            DISCORD_API_URL=discord.api_url,
            LOG_FORMAT="json",
        )
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await discord.stop()
    assert process.returncode == 3
    printed = [json.loads(line) for line in stdout.decode().splitlines()]
    logged = [json.loads(line) for line in stderr.decode().splitlines()]
    assert printed[0]["message"].startswith("Discord: logged in as case-brief. Invite: https://")
    assert logged[-1]["message"].startswith("Stopped: Discord closed the gateway with code 4014")
    assert logged[-1]["level"] == "CRITICAL"
