"""One intake poller in its own process, for the crash test.

``python -m tests.intake.instance``: the real intake (settings from the environment:
DATABASE_URL, SOURCE_*, EDITORS_CHANNEL, SLACK_*), its editors' channel on Slack, with a
claim lease of LEASE seconds so a crashed instance's candidate is taken over quickly. Runs
until SIGTERM (or SIGKILL, which is the point).
"""

import asyncio
import dataclasses
import signal

from bot.app import build_dispatcher
from bot.platforms.intake import build_intake
from bot.settings import Settings

LEASE = 1.0


async def main() -> None:
    settings = Settings(_env_file=None)
    dispatcher = build_dispatcher(settings)
    service = build_intake(settings, dispatcher)
    assert service is not None
    service.config = dataclasses.replace(service.config, lease_seconds=LEASE)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    task = asyncio.create_task(service.run())
    print("ready", flush=True)
    await stop.wait()
    task.cancel()
    await service.aclose()


if __name__ == "__main__":
    asyncio.run(main())
