"""Slow clients, as an attacker's script runs them: each connects, sends a request line and
one header, and waits; when the server closes its connection, it opens another.

    siege = Siege(port, 1100, addresses(100))
    await siege.run(20)    # or start() ... stop()
    siege.opened, siege.answers   # connections made; status lines the server sent on closing

Run as a process of its own (benchmarks: the siege must not share the prober's CPU):
``python -m tests.slow_clients PORT COUNT SECONDS [ADDRESSES]`` prints its figures as JSON.
Linux routes all of 127.0.0.0/8 to the loopback interface, so each client may come from
its own address (127.0.0.2, 127.0.0.3, ...), as clients on the internet would.
"""

import asyncio
import json
import socket
import sys
from collections import Counter

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: bot\r\n"  # and never the blank line that ends it


def addresses(count: int) -> list[str]:
    """``count`` loopback addresses other than 127.0.0.1 (kept for the tests' own probes)."""
    return [f"127.0.{2 + n // 250}.{2 + n % 250}" for n in range(count)]


class Siege:
    def __init__(self, port: int, count: int, sources: list[str], *, pause: float = 0.05) -> None:
        self.port, self.count, self.sources, self.pause = port, count, sources, pause
        self.opened = self.failed = 0
        self.held = 0  # connections open now
        self.answers: Counter[str] = Counter()  # first line the server sent before closing
        self._stop = asyncio.Event()
        self._clients: list[asyncio.Task[None]] = []

    async def _client(self, n: int) -> None:
        loop = asyncio.get_running_loop()
        source = self.sources[n % len(self.sources)]
        while not self._stop.is_set():
            sock = socket.socket()
            sock.setblocking(False)
            try:
                sock.bind((source, 0))
                await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", self.port)), 5)
                await loop.sock_sendall(sock, REQUEST)
            except (TimeoutError, OSError):
                self.failed += 1
                sock.close()
                await asyncio.sleep(0.2)
                continue
            self.opened += 1
            self.held += 1
            try:
                reader = asyncio.ensure_future(loop.sock_recv(sock, 256))
                stop = asyncio.ensure_future(self._stop.wait())
                await asyncio.wait({reader, stop}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
                if reader.done() and not reader.cancelled() and reader.exception() is None:
                    first = reader.result().split(b"\r\n", 1)[0].decode("latin-1")
                    self.answers[first or "closed without a word"] += 1
                else:
                    reader.cancel()
            finally:
                self.held -= 1
                sock.close()
            await asyncio.sleep(self.pause)

    def start(self) -> None:
        self._clients = [asyncio.create_task(self._client(n)) for n in range(self.count)]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._clients, return_exceptions=True)

    async def run(self, seconds: float) -> None:
        self.start()
        await asyncio.sleep(seconds)
        await self.stop()

    def figures(self) -> dict[str, object]:
        return {"opened": self.opened, "failed": self.failed, "answers": dict(self.answers)}


async def _main(port: int, count: int, seconds: float, sources: int) -> None:
    siege = Siege(port, count, addresses(sources))
    await siege.run(seconds)
    print(json.dumps(siege.figures()), flush=True)


if __name__ == "__main__":
    port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    asyncio.run(_main(port, count, seconds, int(sys.argv[4]) if len(sys.argv) > 4 else 100))
