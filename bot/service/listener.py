"""Accepting HTTP connections with bounds: the service stays reachable under slow clients.

asyncio's own accept loop (``loop.create_server``) has no cap on connections, and when the
process runs out of file descriptors it logs a traceback for every connection waiting in the
backlog, then schedules one retry per failure: the retries multiply (thousands of lines a
second) and nobody, ``/healthz`` included, gets in until the clients leave. This module
accepts by itself instead, and hands each connection to aiohttp's protocol:

- **A cap on open connections** (``Limits.max_connections``, lowered to three quarters of
  the open-files limit so the database, the chat platforms and the log keep theirs). When
  it is reached, the connection that has waited longest for a request's headers is closed
  (HTTP 503) to make room; only if every connection is busy with a request is the newcomer
  turned away (503).
- **A cap per client** (``Limits.per_client``; one IPv4 address, or one IPv6 /64): the
  client's next connection gets 429 and is closed. Behind a reverse proxy every connection
  comes from the proxy: raise it, or set 0 (off) and let the proxy limit clients.
- **A header timeout**: a request's headers must arrive within ``header_timeout`` of the
  connection (HTTP 408 and closed otherwise); between requests a keep-alive connection may
  idle ``idle_timeout``; handling a request (reading its body included) may take
  ``request_timeout`` (HTTP 408).
- **Out of file descriptors**: one line, the oldest waiting connections closed, accepting
  paused for a moment; never a storm.

Refusals are logged one line per kind (``bot.logs`` throttles repeats) and counted in
``casebrief_http_refused_total{listener,reason}``.
"""

import asyncio
import contextlib
import errno
import ipaddress
import logging
import resource
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.service import metrics

log = logging.getLogger(__name__)

ACCEPT_BATCH = 64  # connections accepted per wake-up of the listening socket
BACKLOG = 4096  # the kernel queue before accept() (capped by net.core.somaxconn)
RESOURCE_ERRORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
PAUSE_SECONDS = 0.25  # accepting resumes this long after running out of descriptors
FREED_PER_SHORTAGE = 16  # waiting connections closed when descriptors run out
# A first request's head (request line and headers) longer than this goes to aiohttp as it is,
# which refuses it (its limits: 64 KB for the line, 8 KB a header).
MAX_HEAD_BYTES = 128 * 1024

_RESPONSES = {
    408: b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    429: b"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: 1\r\n"
    b"Content-Length: 0\r\n\r\n",
    503: b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
    b"Content-Length: 0\r\n\r\n",
}


@dataclass(frozen=True)
class Limits:
    """What one listener allows (settings HTTP_*; the operator listener uses OPS_LIMITS)."""

    max_connections: int = 4000  # idle ones cost a few KB: a flood is held, not churned
    per_client: int = 100  # 0: no per-client cap (behind a reverse proxy)
    header_timeout: float = 10.0
    idle_timeout: float = 30.0
    request_timeout: float = 30.0


DEFAULT_LIMITS = Limits()
OPS_LIMITS = Limits(max_connections=64, per_client=16)


def open_files_limit() -> int:
    """The soft limit on open files (RLIMIT_NOFILE) of this process."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def raise_open_files_limit(ceiling: int = 1 << 20) -> tuple[int, int]:
    """Raise the soft open-files limit to the hard one (as Go programs do at start): systemd
    gives services 1,024 by default. Returns (before, after).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(ceiling if hard == resource.RLIM_INFINITY else hard, ceiling)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return soft, soft
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        return soft, wanted
    return soft, soft


def connection_cap(limits: Limits, open_files: int) -> int:
    """At most ``max_connections``, and never more than three quarters of the files limit."""
    return max(8, min(limits.max_connections, open_files * 3 // 4))


def client_of(address: object) -> str:
    """Who a connection is from, for the per-client cap: the IP, or the /64 of an IPv6 one."""
    host = address[0] if isinstance(address, tuple) and address else str(address)
    try:
        ip = ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return str(host)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


@dataclass(eq=False)
class Connection:
    client: str
    transport: asyncio.Transport | None = None
    busy: int = 0  # requests being handled
    partial: bool = False  # bytes of a request arrived, its headers not yet complete
    handed_over: bool = False  # to aiohttp, once its first request's head was complete
    timer: asyncio.TimerHandle | None = None
    opened: float = field(default_factory=time.monotonic)


class _Guarded(asyncio.Protocol):
    """One connection: its first request's head is gathered here, and only once it is
    complete is aiohttp's protocol made and handed the bytes. A slow client that never
    finishes its headers costs a buffer, not a request handler and its task: under a flood
    of them, accepting and closing stays cheap. The listener is told what happens.
    """

    def __init__(
        self,
        listener: "Listener",
        connection: Connection,
        factory: Callable[[], asyncio.Protocol],
    ) -> None:
        self.listener, self.connection, self.factory = listener, connection, factory
        self.inner: asyncio.Protocol | None = None
        self.transport: asyncio.Transport | None = None
        self.head = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.listener.opened(self.connection, transport)

    def data_received(self, data: bytes) -> None:
        if not self.connection.busy:
            self.connection.partial = True
        if self.inner is not None:
            self.inner.data_received(data)
            return
        self.head += data
        searched = max(0, len(self.head) - len(data) - 3)
        if self.head.find(b"\r\n\r\n", searched) >= 0 or len(self.head) > MAX_HEAD_BYTES:
            self._hand_over()  # too long: aiohttp answers it (400), as any malformed request

    def _hand_over(self) -> None:
        assert self.transport is not None
        self.inner = self.factory()
        self.connection.handed_over = True
        self.inner.connection_made(self.transport)
        head, self.head = bytes(self.head), bytearray()
        self.inner.data_received(head)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener.closed(self.connection)
        if self.inner is not None:
            self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()


class Listener:
    """Listens on host:port and serves each connection with ``protocol_factory`` (aiohttp's
    ``runner.server``), within ``limits``. Add ``middleware`` to the app before it starts.
    """

    def __init__(
        self,
        protocol_factory: Callable[[], asyncio.Protocol],
        host: str,
        port: int,
        limits: Limits = DEFAULT_LIMITS,
        *,
        name: str = "public",
    ) -> None:
        self.factory, self.host, self.requested_port = protocol_factory, host, port
        self.limits, self.name = limits, name
        self.cap = connection_cap(limits, open_files_limit())
        self.port: int | None = None
        self._sockets: list[socket.socket] = []
        self._paused: set[int] = set()
        self._open: set[Connection] = set()
        self._waiting: OrderedDict[Connection, None] = OrderedDict()  # oldest first
        self._by_transport: dict[asyncio.BaseTransport, Connection] = {}
        self._per_client: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    @property
    def open_connections(self) -> int:
        return len(self._open)

    # --- listening ------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind every address HOST resolves to (as asyncio would); OSError if one cannot be."""
        self._loop = asyncio.get_running_loop()
        infos = await self._loop.getaddrinfo(
            self.host or None,
            self.requested_port,
            family=socket.AF_UNSPEC,
            type=socket.SOCK_STREAM,
            flags=socket.AI_PASSIVE,
        )
        port = self.requested_port
        try:
            for family, kind, proto, _, address in dict.fromkeys(infos):
                sock = socket.socket(family, kind, proto)
                self._sockets.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                # PORT=0: the first socket's port for the others too
                sock.bind((address[0], port, *address[2:]) if port else address)
                port = sock.getsockname()[1]
                sock.listen(BACKLOG)
                sock.settimeout(0.0)  # non-blocking
        except OSError:
            self._close_sockets()
            raise
        self.port = port
        for sock in self._sockets:
            self._loop.add_reader(sock.fileno(), self._accept, sock)
        metrics.HTTP_CONNECTIONS.labels(listener=self.name).set_function(
            lambda: self.open_connections
        )

    async def close(self) -> None:
        """Stop accepting; close the connections aiohttp never saw (it closes its own)."""
        self._close_sockets()
        for connection in list(self._open):
            if connection.timer is not None:
                connection.timer.cancel()
            if not connection.handed_over and connection.transport is not None:
                connection.transport.close()
        for task in list(self._tasks):
            task.cancel()

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            if self._loop is not None and sock.fileno() >= 0:
                self._loop.remove_reader(sock.fileno())
            sock.close()
        self._sockets.clear()

    # --- accepting ------------------------------------------------------------------------
    def _accept(self, sock: socket.socket) -> None:
        for _ in range(ACCEPT_BATCH):
            try:
                conn, address = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as error:
                if error.errno in RESOURCE_ERRORS:
                    self._out_of_descriptors(sock, error)
                else:
                    log.warning("accept() failed on the %s listener: %s", self.name, error)
                return
            self._admit(conn, address)

    def _out_of_descriptors(self, sock: socket.socket, error: OSError) -> None:
        freed = 0
        while self._waiting and freed < FREED_PER_SHORTAGE:
            self._evict(next(iter(self._waiting)))
            freed += 1
        self._refused("out_of_files")
        log.error(
            "the %s listener cannot accept connections: %s (open files limit %d, %d "
            "connections open); closed the %d that waited longest, pausing %.2f s",
            self.name,
            error.strerror or error,
            open_files_limit(),
            len(self._open),
            freed,
            PAUSE_SECONDS,
        )
        fd = sock.fileno()
        if self._loop is None or fd in self._paused:
            return
        self._paused.add(fd)
        self._loop.remove_reader(fd)

        def resume() -> None:
            self._paused.discard(fd)
            if self._loop is not None and sock.fileno() >= 0:
                self._loop.add_reader(fd, self._accept, sock)

        self._loop.call_later(PAUSE_SECONDS, resume)

    def _admit(self, conn: socket.socket, address: object) -> None:
        client = client_of(address)
        per_client = self.limits.per_client
        if per_client and self._per_client.get(client, 0) >= per_client:
            self._refused("per_client")
            log.warning(
                "refused a connection to the %s listener: %s already has %d open (HTTP 429)",
                self.name,
                client,
                per_client,
            )
            _turn_away(conn, 429)
            return
        if len(self._open) >= self.cap:
            if not self._waiting:
                self._refused("full")
                log.warning(
                    "refused a connection to the %s listener: all %d connections are busy "
                    "(HTTP 503)",
                    self.name,
                    self.cap,
                )
                _turn_away(conn, 503)
                return
            self._refused("evicted")
            log.warning(
                "the %s listener is full (%d connections): closed the one that waited "
                "longest for a request to make room (HTTP 503)",
                self.name,
                self.cap,
            )
            self._evict(next(iter(self._waiting)))
        connection = Connection(client)
        self._open.add(connection)
        self._per_client[client] = self._per_client.get(client, 0) + 1
        conn.settimeout(0.0)  # non-blocking
        assert self._loop is not None
        protocol = _Guarded(self, connection, self.factory)
        task: asyncio.Task[object] = self._loop.create_task(
            self._connect(conn, connection, protocol)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect(
        self, conn: socket.socket, connection: Connection, protocol: _Guarded
    ) -> object:
        assert self._loop is not None
        try:
            return await self._loop.connect_accepted_socket(lambda: protocol, conn)
        except (OSError, asyncio.CancelledError):
            conn.close()
            self.closed(connection)
            return None

    # --- each connection ------------------------------------------------------------------
    def opened(self, connection: Connection, transport: asyncio.Transport) -> None:
        if connection not in self._open:  # closed while its transport was being made
            transport.abort()
            return
        connection.transport = transport
        self._by_transport[transport] = connection
        self._wait(connection, self.limits.header_timeout)

    def closed(self, connection: Connection) -> None:
        if connection not in self._open:
            return
        self._open.discard(connection)
        self._waiting.pop(connection, None)
        if connection.transport is not None:
            self._by_transport.pop(connection.transport, None)
        if connection.timer is not None:
            connection.timer.cancel()
        left = self._per_client.get(connection.client, 1) - 1
        if left > 0:
            self._per_client[connection.client] = left
        else:
            self._per_client.pop(connection.client, None)

    def _wait(self, connection: Connection, seconds: float) -> None:
        """The connection now waits for a request's headers, at most ``seconds``."""
        self._waiting[connection] = None
        self._waiting.move_to_end(connection)
        if connection.timer is not None:
            connection.timer.cancel()
        assert self._loop is not None
        connection.timer = self._loop.call_later(seconds, self._expire, connection)

    def _expire(self, connection: Connection) -> None:
        if connection.busy or connection not in self._open:
            return
        if connection.partial:  # a slow client: headers not complete in time
            self._refused("slow")
            log.warning(
                "closed a connection to the %s listener from %s: no complete request headers "
                "within %g s (HTTP 408)",
                self.name,
                connection.client,
                self.limits.header_timeout,
            )
            self._drop(connection, 408)
        else:  # idle: closed quietly, as keep-alive connections are
            self._drop(connection, None)

    def _evict(self, connection: Connection) -> None:
        """Close a waiting connection to make room: 503 to one that is still to send (or
        finish) its request; a keep-alive connection idle between requests closes quietly,
        as keep-alive connections do (its client must not read a 503 as a later answer).
        """
        idle = connection.handed_over and not connection.partial
        self._drop(connection, None if idle else 503)

    def _drop(self, connection: Connection, status: int | None) -> None:
        transport = connection.transport
        self.closed(connection)
        if transport is None:
            return
        if status is not None and not transport.is_closing():
            with contextlib.suppress(Exception):
                transport.write(_RESPONSES[status])
        transport.close()

    def _refused(self, reason: str) -> None:
        metrics.HTTP_REFUSED.labels(listener=self.name, reason=reason).inc()

    # --- requests (the middleware) --------------------------------------------------------
    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Marks the connection busy while a request is handled, and bounds the handling."""
        connection = self._by_transport.get(request.transport) if request.transport else None
        if connection is not None:
            connection.busy += 1
            connection.partial = False
            self._waiting.pop(connection, None)
            if connection.timer is not None:
                connection.timer.cancel()
                connection.timer = None
        try:
            async with asyncio.timeout(self.limits.request_timeout) as deadline:
                return await handler(request)
        except TimeoutError:
            if not deadline.expired():
                raise
            self._refused("request_timeout")
            log.warning(
                "a request to the %s listener from %s took more than %g s (a slow body?); "
                "answered 408",
                self.name,
                connection.client if connection else request.remote,
                self.limits.request_timeout,
            )
            return web.Response(status=408, headers={"Connection": "close"})
        finally:
            if connection is not None and connection in self._open:
                connection.busy -= 1
                if not connection.busy:
                    self._wait(connection, self.limits.idle_timeout)


def _turn_away(conn: socket.socket, status: int) -> None:
    """Answer ``status`` on a connection never handed to aiohttp, and close it."""
    with contextlib.suppress(OSError):
        conn.settimeout(0.0)  # non-blocking
        with contextlib.suppress(OSError):
            conn.recv(
                65536
            )  # what the client already sent: unread, it would turn the close into a reset
        conn.send(_RESPONSES[status])
        conn.shutdown(socket.SHUT_WR)
    conn.close()
