"""Logging set-up with a last line of defence: secret values are masked in every record.

LOG_FORMAT=text (default) writes "time LEVEL logger: message"; LOG_FORMAT=json writes one
JSON object per line (standard library only) with time, level, logger, message, the
structured fields a record carries (platform, command, outcome, latency_ms, ...) and any
traceback. Secrets are masked in the finished line, traceback included.
"""

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus

from pydantic import SecretStr

# Fields a record may carry through ``extra=``; only these reach the JSON line.
STRUCTURED_FIELDS = ("platform", "command", "outcome", "latency_ms", "task", "component")
# Shorter secrets are not masked: they would mask common words in every log line.
SHORTEST_MASKED = 8


# Tokens of installed workspaces are not settings, so they are masked by shape (xoxb-, xoxe.xoxb-,
# refresh tokens xoxe-): slack_sdk's DEBUG logs print response bodies such as oauth.v2.access's.
_SLACK_TOKEN = re.compile(r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= SHORTEST_MASKED]

    def redact(self, text: str) -> str:
        for secret in self._secrets:  # configured secrets first: they vanish whole
            if secret in text:
                text = text.replace(secret, "***")
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


def configure_logging(
    level: str, secrets: Iterable[SecretStr | None] = (), fmt: str = "text"
) -> None:
    redact = RedactSecrets(s.get_secret_value() for s in secrets if s is not None)
    inner = (
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler = logging.StreamHandler(sys.stderr)
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
