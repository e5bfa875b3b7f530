"""Signing requests exactly as Slack does (v0 HMAC-SHA256 over "v0:<timestamp>:<body>")."""

import hashlib
import hmac
import time
from urllib.parse import urlencode


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def form(payload: dict[str, str]) -> str:
    return urlencode(payload)
