"""Logging set-up with a last line of defence: secret values are masked in every record."""

import logging
import re
import sys
from collections.abc import Iterable

from pydantic import SecretStr


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            if any(secret in message for secret in self._secrets):
                for secret in self._secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, None
        return True


def configure_logging(level: str, secrets: Iterable[SecretStr | None] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(NoRequestBodies())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(s.get_secret_value() for s in secrets if s is not None))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


class NoRequestBodies(logging.Filter):
    """Slack's libraries log request bodies (Bolt: every unsigned request, at INFO).

    Above DEBUG the body is replaced by its size; at DEBUG it is cut short. Bodies are
    anyone's input, so logging them lets strangers fill the disk and forge log lines.
    """

    LOGGERS = ("slack_bolt", "slack_sdk")
    DEBUG_CHARS = 300
    _BODY = re.compile(r"(body[^:(]{0,20}[:(]\s*|Unhandled request \()(.*)", re.S | re.I)

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.LOGGERS):
            return True
        message = record.getMessage()
        found = self._BODY.search(message)
        if found is not None and record.levelno > logging.DEBUG:
            message = f"{message[:found.start(2)]}<request body of {len(found.group(2))} chars not logged>"
        elif len(message) > self.DEBUG_CHARS:
            message = f"{message[:self.DEBUG_CHARS]}... <{len(message) - self.DEBUG_CHARS} more chars cut>"
        record.msg, record.args = message, None
        return True
