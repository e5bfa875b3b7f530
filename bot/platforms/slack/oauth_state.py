"""OAuth states that need no database: signed, expiring, and accepted once.

``GET /slack/install`` is public: with slack_sdk's state store every visit wrote a row
(thousands a second from one anonymous client, slowing every command that reads
installations). A state here is ``<expiry>.<nonce>.<signature>``, the signature an
HMAC-SHA256 under a key derived from SLACK_CLIENT_SECRET, so any instance of the bot
verifies a state another issued, and nothing is stored until a callback presents one.
A consumed state's nonce is remembered (bounded, until the state would expire anyway) so
it is accepted once per instance; Bolt also requires the browser's state cookie to match,
and Slack accepts each OAuth code once.
"""

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from logging import Logger, getLogger

from cachetools import TTLCache
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

log = getLogger(__name__)
_CONTEXT = b"case-brief-bot slack oauth state v1"
MAX_STATE_CHARS = 200  # ours are about 80; anything longer is not one
REMEMBERED = 100_000  # consumed states kept (each until its expiry); past this, oldest first


def state_key(client_secret: str) -> bytes:
    """The signing key: derived, so the client secret itself signs nothing."""
    return hmac.new(client_secret.encode(), _CONTEXT, hashlib.sha256).digest()


class SignedStateStore(AsyncOAuthStateStore):
    def __init__(
        self,
        key: bytes,
        *,
        expiration_seconds: int = 600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.expiration_seconds = expiration_seconds
        self.clock = clock
        self._consumed: TTLCache[str, bool] = TTLCache(
            REMEMBERED, max(1, expiration_seconds), timer=clock
        )

    @property
    def logger(self) -> Logger:
        return log

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self.key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    async def async_issue(self, *_args: object, **_kwargs: object) -> str:
        expires = int(self.clock()) + self.expiration_seconds
        payload = f"{expires}.{secrets.token_urlsafe(16)}"
        return f"{payload}.{self._sign(payload)}"

    async def async_consume(self, state: str) -> bool:
        """True once for a state this app signed that has not expired."""
        payload, _, signature = state.rpartition(".")
        expires, _, nonce = payload.partition(".")
        if not (expires.isdigit() and nonce and signature and len(state) < MAX_STATE_CHARS):
            return False
        if not hmac.compare_digest(signature, self._sign(payload)):
            return False
        if int(expires) <= self.clock() or nonce in self._consumed:
            return False
        self._consumed[nonce] = True  # no await since the check: two at once cannot both pass
        return True
