"""A TCP proxy a test can close: a database (or any server) that goes away and comes back.

``TcpProxy(port)`` listens on 127.0.0.1 and forwards every connection to 127.0.0.1:port.
``close()`` is the outage: the listening socket goes (new connections are refused, as by a
stopped server) and every open connection is cut. ``reopen()`` listens again on the same
port, so the client's URL keeps working. ``delay`` adds latency to every chunk forwarded
(a slow network), e.g. to widen a start-up race.

    proxy = await TcpProxy(5432).start()
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test"
    await proxy.close()    # the database is gone
    await proxy.reopen()   # and back

``ThreadedProxy`` runs one in a thread of its own, for synchronous scripts (benchmarks).
"""

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.delay = 0.0
        self.accepted = 0  # connections accepted while open
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def is_open(self) -> bool:
        return self._server is not None

    async def start(self) -> "TcpProxy":
        await self.reopen()
        return self

    async def reopen(self) -> None:
        if self._server is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        self._server = await asyncio.start_server(self._serve, sock=listener)

    async def close(self) -> None:
        """The outage: refuse new connections and cut the open ones."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            with contextlib.suppress(OSError):
                # RST rather than FIN: the peer learns at once, as when a server dies.
                sock = writer.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.close()
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        self._writers.clear()
        if server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1)

    async def stop(self) -> None:
        await self.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._server is None:
            writer.close()
            return
        self.accepted += 1
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, upstream_writer))
        pipes = [
            asyncio.create_task(self._pipe(reader, upstream_writer)),
            asyncio.create_task(self._pipe(upstream_reader, writer)),
        ]
        self._pipes.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pipes:
                task.cancel()
                self._pipes.discard(task)
            for end in (writer, upstream_writer):
                self._writers.discard(end)
                end.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await reader.read(65536):
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(chunk)
                await writer.drain()


class ThreadedProxy:
    """A TcpProxy on an event loop in a daemon thread; every method is synchronous."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.proxy = TcpProxy(target_port, target_host)
        self._run(self.proxy.start())

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    @property
    def port(self) -> int:
        return self.proxy.port

    def close(self) -> None:
        self._run(self.proxy.close())

    def reopen(self) -> None:
        self._run(self.proxy.reopen())

    def set_delay(self, seconds: float) -> None:
        self.proxy.delay = seconds

    def stop(self) -> None:
        self._run(self.proxy.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
