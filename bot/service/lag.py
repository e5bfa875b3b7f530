"""Event-loop lag: a task asks to sleep ``interval`` and measures how late it woke.

A late wake-up means something held the loop (blocking I/O, heavy computation), and every
command waiting behind it was late by as much.
"""

import asyncio
from collections.abc import Callable

from bot.service import metrics

INTERVAL = 0.1


async def watch_loop_lag(
    interval: float = INTERVAL, record: Callable[[float], None] = metrics.LOOP_LAG.observe
) -> None:
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(interval)
        record(max(0.0, loop.time() - before - interval))
