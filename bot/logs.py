"""Logging set-up with a last line of defence: secret values are masked in every record.

LOG_FORMAT=text (default) writes "time LEVEL logger: message"; LOG_FORMAT=json writes one
JSON object per line (standard library only) with time, level, logger, message, the
structured fields a record carries (platform, command, outcome, latency_ms, ...) and any
traceback. Secrets are masked in the finished line, traceback included. Lines the bot
prints outside logging (a settings error, ``Stopped: ...``, Discord's invite) go through
``say`` and so take the same form.

Faults strangers or outages can repeat (refused connections and requests, asyncio's and the
libraries' complaints, anything at WARNING or above) are throttled by ``Throttle``: a few
lines per kind a minute, then one line saying how many were left out.
"""

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TextIO

from cachetools import LRUCache
from pydantic import SecretStr

# Fields a record may carry through ``extra=``; only these reach the JSON line.
STRUCTURED_FIELDS = ("platform", "command", "outcome", "latency_ms", "task", "component")
# A secret shorter than this is masked only where it stands as a word: masked anywhere, it
# would garble every line that happens to contain those letters.
SHORTEST_MASKED = 8


# Tokens of installed workspaces are not settings, so they are masked by shape (xoxb-, xoxe.xoxb-,
# refresh tokens xoxe-): slack_sdk's DEBUG logs print response bodies such as oauth.v2.access's.
_SLACK_TOKEN = re.compile(r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    """Masks configured secrets wherever they appear; one shorter than SHORTEST_MASKED
    characters (a weak password, say) only as a whole word.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        found = sorted({s for s in secrets if s and s.strip()}, key=len, reverse=True)
        self._secrets = [s for s in found if len(s) >= SHORTEST_MASKED]
        short = [re.escape(s) for s in found if len(s) < SHORTEST_MASKED]
        self._short = (
            re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(short)})(?![A-Za-z0-9])") if short else None
        )

    def redact(self, text: str) -> str:
        for secret in self._secrets:  # configured secrets first: they vanish whole
            if secret in text:
                text = text.replace(secret, "***")
        if self._short is not None:
            text = self._short.sub("***", text)
        if "xox" in text:
            text = _SLACK_TOKEN.sub("xox***", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in STRUCTURED_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _Redacting(logging.Formatter):
    """Masks secrets in the whole formatted line, tracebacks included."""

    def __init__(self, inner: logging.Formatter, redact: RedactSecrets) -> None:
        super().__init__()
        self.inner, self.redact = inner, redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact.redact(self.inner.format(record))


class Throttle(logging.Filter):
    """At most ``burst`` lines per kind of record per ``interval`` seconds; the first line
    after a quiet spell says how many were left out. A kind is the logger, the level and the
    message before its arguments ("refused a connection from %s ..."), so a flood of one
    fault is a few lines a minute whatever its arguments. Applies to records at WARNING and
    above, and to every record of the loggers strangers' traffic drives (``NOISY``); one
    line per command served and the like pass untouched.
    """

    NOISY = ("asyncio", "aiohttp", "bot.service.listener", "bot.platforms.slack.http")
    KINDS = 4096  # kinds remembered (least recently seen forgotten first)

    def __init__(
        self, interval: float = 60.0, burst: int = 5, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.interval, self.burst, self.clock = interval, burst, clock
        # kind -> [window start, lines let through in it, lines left out since last shown]
        self._kinds: LRUCache[tuple[str, int, str], list[float]] = LRUCache(self.KINDS)

    def applies(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.startswith(self.NOISY)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.applies(record):
            return True
        kind = (record.name, record.levelno, str(record.msg)[:200])
        now = self.clock()
        state = self._kinds.get(kind)
        if state is None or now - state[0] >= self.interval:
            left_out = int(state[2]) if state is not None else 0
            self._kinds[kind] = [now, 1, 0]
            if left_out:
                record.msg = (
                    f"{record.getMessage()} [{left_out} more like this in the last "
                    f"{self.interval:g} s not logged]"
                )
                record.args = None
            return True
        if state[1] < self.burst:
            state[1] += 1
            return True
        state[2] += 1
        return False


class _Output:
    """What ``say`` needs of the configured logging: the format and the masking."""

    fmt = "text"
    redact = RedactSecrets([])


def say(
    message: str, *, level: str = "INFO", stream: TextIO | None = None, fmt: str | None = None
) -> None:
    """A line for the operator outside logging (a settings error, ``Stopped: ...``, an
    invite), whatever LOG_LEVEL says: as is in text, one JSON object per line in json (on
    the same stream), secrets masked. ``fmt`` before logging is configured (settings errors).
    """
    out = stream or sys.stderr
    shown = _Output.redact.redact(message)
    if (fmt or _Output.fmt) != "json":
        print(shown, file=out, flush=True)
        return
    when = datetime.now(UTC).isoformat(timespec="milliseconds")
    for line in shown.splitlines() or [""]:
        entry = {"time": when, "level": level, "logger": "bot", "message": line}
        print(json.dumps(entry, ensure_ascii=False), file=out, flush=True)


def configure_logging(
    level: str, secrets: Iterable[SecretStr | str | None] = (), fmt: str = "text"
) -> None:
    redact = RedactSecrets(
        s.get_secret_value() if isinstance(s, SecretStr) else s for s in secrets if s is not None
    )
    _Output.fmt, _Output.redact = fmt, redact
    inner = (
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Throttle())  # first: it reads each record's message before its arguments
    handler.addFilter(NoRequestBodies())
    handler.setFormatter(
        _Redacting(inner, redact)
    )  # masks the finished line: message and traceback
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    server = logging.getLogger("aiohttp.server")
    server.filters[:] = [f for f in server.filters if not isinstance(f, MalformedRequests)] + [
        MalformedRequests()
    ]


class MalformedRequests(logging.Filter):
    """aiohttp logs a request it cannot parse (line or header too long, bad Content-Length)
    at ERROR with a traceback, though it already answered 400: anyone could fill the log
    with them. Such a request is the sender's error: one INFO line, no traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError  # noqa: PLC0415 - where served

        error = record.exc_info[1] if record.exc_info else None
        if (
            not isinstance(error, HttpProcessingError)
            or not HTTPStatus.BAD_REQUEST <= (error.code or 0) < HTTPStatus.INTERNAL_SERVER_ERROR
        ):
            return True
        record.msg = "refused a malformed HTTP request from %s: %s (HTTP %s)"
        record.args = (
            record.args[0] if isinstance(record.args, tuple) and record.args else "?",
            type(error).__name__,
            error.code,
        )
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger().isEnabledFor(logging.INFO)


class NoRequestBodies(logging.Filter):
    """Slack's libraries log request bodies (Bolt: every unsigned request, at INFO).

    Above DEBUG the body is replaced by its size; at DEBUG it is cut short. Bodies are
    anyone's input, so logging them lets strangers fill the disk and forge log lines.
    """

    LOGGERS = ("slack_bolt", "slack_sdk")
    DEBUG_CHARS = 300
    _BODY = re.compile(
        r"(body[^:(]{0,20}[:(]\s*|Unhandled request \()(.*)", re.DOTALL | re.IGNORECASE
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.LOGGERS):
            return True
        message = record.getMessage()
        found = self._BODY.search(message)
        if found is not None and record.levelno > logging.DEBUG:
            message = (
                f"{message[: found.start(2)]}<request body of {len(found.group(2))} chars not "
                f"logged>"
            )
        elif len(message) > self.DEBUG_CHARS:
            message = (
                f"{message[: self.DEBUG_CHARS]}... <{len(message) - self.DEBUG_CHARS} more chars "
                f"cut>"
            )
        record.msg, record.args = message, None
        return True
