"""One recap instance in its own process, for the multi-instance tests and the benchmark.

``python -m tests.recaps.instance <instant> [<go file>]``: the real service, runner, store
and Slack poster from the environment's settings (DATABASE_URL, SLACK_*, RECAP_*), with the
schedule's clock fixed at <instant> so a slot is due at once. Prints "ready" when its store is
open, waits for <go file> to exist (so several instances start together), then runs until
SIGTERM (or SIGKILL, which is the point).
"""

import asyncio
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from bot.app import build_dispatcher
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.runner import RecapRunner
from bot.settings import Settings


async def main(at: datetime, go: Path | None) -> None:
    settings = Settings(_env_file=None)
    dispatcher = build_dispatcher(settings, clock=lambda: at)
    service = dispatcher.services.recap_service
    poster = SlackPoster.from_settings(settings)
    poster.token_for = _token_for  # each workspace has its own token: xoxb-<team id>
    service.attach(posters={"slack": poster})
    await service.ready()
    print("ready", flush=True)
    if go is not None:
        await asyncio.to_thread(_wait_for, go)
    runner = RecapRunner(service, max_sleep=timedelta(seconds=0.2))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await runner.start()
    await stop.wait()
    await runner.stop()


def _wait_for(go: Path) -> None:
    while not go.exists():
        time.sleep(0.01)


async def _token_for(workspace: str) -> str:
    return f"xoxb-{workspace}"


if __name__ == "__main__":
    asyncio.run(
        main(datetime.fromisoformat(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    )
