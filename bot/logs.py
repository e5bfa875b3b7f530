"""Logging set-up with a last line of defence: secret values are masked in every record."""

import logging
import re
import sys
from collections.abc import Iterable

from pydantic import SecretStr


# Tokens of installed workspaces are not settings, so they are masked by shape (xoxb-, xoxe.xoxb-,
# refresh tokens xoxe-): slack_sdk's DEBUG logs print response bodies such as oauth.v2.access's.
_SLACK_TOKEN = re.compile(r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 8]

    def redact(self, text: str) -> str:
        if "xox" in text:
            text = _SLACK_TOKEN.sub("xox***", text)
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str, secrets: Iterable[SecretStr | None] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(s.get_secret_value() for s in secrets if s is not None))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
