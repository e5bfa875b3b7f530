"""Child process of bench_slack.py: this bot's Slack app and a bare Bolt app, both on loopback.

The bare app has the same Bolt set-up (signature check, authorization against the same
fake Web API) and answers every command with a constant text. Prints the two ports, then
serves until stdin closes.
"""

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp

from benchmarks.common import scratch_database_url
from bot.app import build_dispatcher
from bot.logs import configure_logging
from bot.platforms.slack.app import build_web_client
from bot.platforms.slack.http import build_web_app
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings

SECRET = "bench-signing-secret"


async def main(api_url: str) -> None:
    configure_logging("WARNING")
    settings = Settings(
        database_url=scratch_database_url(),
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-bench"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=api_url,
        host="127.0.0.1",
        port=0,
        user_rate_per_minute=0,  # one benchmark user sends thousands of commands: no limit
    )
    dispatcher = build_dispatcher(settings)
    ours = SlackRunner(settings, dispatcher)
    await ours.start()

    bare = AsyncApp(client=build_web_client(settings), signing_secret=SECRET)

    async def constant(ack):  # type: ignore[no-untyped-def]
        await ack("ok")

    for command in dispatcher.registry:
        bare.command(f"/{command.name}")(constant)
    runner = web.AppRunner(build_web_app(bare), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    bare_port = int(runner.addresses[0][1])
    print(ours.port, bare_port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await ours.stop()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
