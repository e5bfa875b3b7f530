"""One corrections instance in its own process, for the multi-instance tests.

``python -m tests.updates.corrector [<go file>]``: the real recap service, store, version
recorder, corrections engine and REST posters (Slack with a token per workspace, Discord)
from the environment's settings (DATABASE_URL, SLACK_*, DISCORD_*, SUMMARIES_DIR, ...). It
records the content it serves as a version (one instance creates it), prints "ready", waits
for <go file> to exist (so several instances start together), then corrects every 0.2 s
until SIGTERM (or SIGKILL, which is the point). ``CORRECTOR_EDIT_RATE``: Slack edits per
second per workspace (the fake's limit in the benchmark).
"""

import asyncio
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

from bot.app import build_dispatcher
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.posting import Poster
from bot.settings import Settings
from bot.updates.corrections import Corrections, keep_correcting
from bot.updates.recorder import VersionRecorder


async def main(go: Path | None) -> None:
    settings = Settings(_env_file=None)
    dispatcher = build_dispatcher(settings)
    service = dispatcher.services.recap_service
    assert service is not None
    posters: dict[str, Poster] = {}
    if settings.slack_bot_token is not None:
        slack = SlackPoster.from_settings(settings, token_for=_token_for)
        # The fake's chat.update limit (the benchmark sets one; the tests' fake has none).
        rate = float(os.environ.get("CORRECTOR_EDIT_RATE", "50"))
        slack.edits = type(slack.edits)(rate, burst=max(1.0, rate / 4))
        posters["slack"] = slack
    if settings.discord_configured:
        posters["discord"] = DiscordPoster.from_settings(settings)
    service.attach(posters=posters)
    recorder = VersionRecorder(service.ready, service.wall)
    await recorder.settle(dispatcher.store.current)
    print("ready", flush=True)
    if go is not None:
        await asyncio.to_thread(_wait_for, go)
    corrections = Corrections(
        service,
        service.ready,
        max_age=timedelta(days=settings.corrections_max_age_days),
        content=lambda: dispatcher.store.current,
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    task = asyncio.create_task(keep_correcting(corrections, asyncio.Event(), every_seconds=0.2))
    await stop.wait()
    service.stopping = True
    task.cancel()
    await service.aclose()


def _wait_for(go: Path) -> None:
    while not go.exists():
        time.sleep(0.01)


async def _token_for(workspace: str) -> str:
    return f"xoxb-{workspace}"


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
