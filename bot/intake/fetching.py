"""Bounded HTTP GETs for feeds, pages and CourtListener, refusing to reach inside.

- Only http and https. Every address a host resolves to is checked, and the connection is
  made only to checked addresses (a resolver that filters, so a name cannot resolve to a
  public address for the check and to a private one for the connection): private,
  loopback, link-local, multicast, reserved and unspecified addresses are refused unless
  ``allow_private`` (SOURCE_FETCH_ALLOW_PRIVATE=true, for tests and intranets).
- Redirects are followed by hand, at most ``MAX_REDIRECTS``, each hop checked again; a loop
  is named as one.
- A size limit (Content-Length first, then the bytes read) and a time limit on the whole
  request; the content type is checked by the caller (``Fetched.content_type``).
- One request at a time per host, ``host_delay`` seconds apart (politeness).
"""

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

MAX_REDIRECTS = 5
USER_AGENT = "case-brief-bot intake (+https://github.com/; editors' feed reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """One line saying what went wrong and what to do; ``status`` when the server answered."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class Refused(FetchError):
    """The address may not be fetched (scheme, private address)."""


def forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, refusing hosts with any forbidden address."""

    def __init__(self, allow_private: bool) -> None:  # noqa: FBT001 - one switch
        self.allow_private = allow_private
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not self.allow_private and any(forbidden_address(r["host"]) for r in found):
            msg = f"{host} resolves to a private, loopback or link-local address"
            raise OSError(msg)
        return found

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = float("-inf")


class Fetcher:
    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 20.0,
        max_bytes: int = 8_000_000,
        host_delay: float = 1.0,
        concurrency: int = 20,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.host_delay = host_delay
        self.concurrency = asyncio.Semaphore(concurrency)
        # What is parsed or reduced in worker threads, one at a time: each holds the GIL
        # in turns with the event loop, and several at once made the loop late (bench_intake).
        self.parsing = asyncio.Semaphore(1)
        self._hosts: dict[str, _Host] = {}
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.allow_private), limit=100, ttl_dns_cache=300
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                headers={"User-Agent": USER_AGENT},
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def check(self, url: str) -> None:
        """Refuse what may not be fetched: the scheme, and a host with a forbidden address."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            msg = f"{_short(url)}: only http and https addresses are fetched"
            raise Refused(msg)
        if self.allow_private:
            return
        host = parts.hostname
        try:
            addresses = [host] if _is_ip(host) else await _resolve(host)
        except OSError as error:
            msg = f"{_short(url)}: the host does not resolve ({error.strerror or error})"
            raise FetchError(msg) from None
        if any(forbidden_address(a) for a in addresses):
            msg = (
                f"{_short(url)}: refused, the address is private, loopback or link-local "
                "(SOURCE_FETCH_ALLOW_PRIVATE=true allows it)"
            )
            raise Refused(msg)

    async def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET ``url``, redirects followed; a 304 or 2xx is returned, anything else raised."""
        limit = max_bytes or self.max_bytes
        seen: list[str] = []
        current = url
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    await self.check(current)
                    if current in seen:
                        msg = f"{_short(url)}: redirects in a loop ({len(seen)} hops)"
                        raise FetchError(msg)
                    if len(seen) > MAX_REDIRECTS:
                        msg = f"{_short(url)}: more than {MAX_REDIRECTS} redirects"
                        raise FetchError(msg)
                    seen.append(current)
                    status, answer, body = await self._once(current, headers or {}, limit)
                    if status in _REDIRECTS and "location" in answer:
                        current = urljoin(current, answer["location"])
                        continue
                    if status == 304 or 200 <= status < 300:  # noqa: PLR2004
                        return Fetched(current, status, answer, body)
                    raise _status_error(url, status, answer)
        except TimeoutError:
            msg = f"{_short(url)}: no complete answer within {self.timeout:g} s"
            raise FetchError(msg) from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, OSError) and "private" in str(error.os_error):
                msg = (
                    f"{_short(url)}: refused, the address is private, loopback or link-local "
                    "(SOURCE_FETCH_ALLOW_PRIVATE=true allows it)"
                )
                raise Refused(msg) from None
            msg = f"{_short(url)}: cannot connect ({error.os_error.strerror or error.os_error})"
            raise FetchError(msg) from None
        except aiohttp.ClientError as error:
            msg = f"{_short(url)}: {type(error).__name__} {error}".strip()
            raise FetchError(msg) from None

    async def _once(
        self, url: str, headers: dict[str, str], limit: int
    ) -> tuple[int, dict[str, str], bytes]:
        await self._polite(urlsplit(url).hostname or "")
        async with (
            self.concurrency,
            self._http().get(url, headers=headers, allow_redirects=False) as response,
        ):
            answer = {k.lower(): v for k, v in response.headers.items()}
            status = response.status
            if status in _REDIRECTS or status == 304 or status >= 300:  # noqa: PLR2004
                return status, answer, b""
            declared = response.content_length
            if declared is not None and declared > limit:
                raise _too_big(url, declared, limit)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(65_536):
                size += len(chunk)
                if size > limit:
                    raise _too_big(url, size, limit)
                chunks.append(chunk)
            return status, answer, b"".join(chunks)

    async def _polite(self, host: str) -> None:
        if self.host_delay <= 0:
            return
        state = self._hosts.setdefault(host, _Host())
        async with state.lock:
            wait = state.last + self.host_delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            state.last = time.monotonic()


def _status_error(url: str, status: int, headers: dict[str, str]) -> FetchError:
    retry_after = None
    if status == 429:  # noqa: PLR2004
        try:
            retry_after = float(headers.get("retry-after", "60"))
        except ValueError:
            retry_after = 60.0
    msg = f"{_short(url)}: answered HTTP {status}"
    return FetchError(msg, status=status, retry_after=retry_after)


def _too_big(url: str, size: int, limit: int) -> FetchError:
    msg = f"{_short(url)}: over {limit / 1e6:g} MB ({size / 1e6:.1f} MB at least); not read"
    return FetchError(msg)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def _resolve(host: str) -> list[str]:
    infos: list[Any] = await asyncio.get_running_loop().getaddrinfo(
        host, None, type=socket.SOCK_STREAM
    )
    return [str(info[4][0]) for info in infos]


def _short(url: str, limit: int = 200) -> str:
    """A URL for a log line: inert (no control characters) and bounded."""
    clean = "".join(c if c.isprintable() else "?" for c in url)
    return clean if len(clean) <= limit else clean[: limit - 1] + "\u2026"
