"""The posts record (issue 18): every message the bot posts in a channel, and what it showed.

Scheduled recaps (fanout.py), update posts (bot/updates) and ``public`` replies (the
platforms) are recorded with their message id (Slack ts, Discord message id), the content
version they showed, the keys of the claims they stated (``Reply.claims``) and the neutral
Reply itself, so that a later version that corrects or withdraws one of those claims can edit
the message in place (bot/updates/corrections.py). Private (ephemeral) replies cannot be
edited and are never recorded.
"""

import json
import logging
from datetime import datetime

from bot.core.reply import Reply
from bot.storage.base import POST_KINDS, PostRecord

log = logging.getLogger(__name__)


def reply_json(reply: Reply) -> str:
    return json.dumps(reply.to_dict(), sort_keys=True, ensure_ascii=False, default=str)


def reply_of(text: str) -> Reply:
    return Reply.from_dict(json.loads(text))


def post_record(
    *,
    platform: str,
    workspace: str,
    channel: str,
    message_id: str,
    kind: str,
    version: int | None,
    reply: Reply,
    posted_at: datetime,
    body: str | None = None,
) -> PostRecord:
    """What to record of one message posted in a channel; ``body`` is ``reply_json(reply)``
    when the caller has it already (a recap fan-out posts one Reply in many channels).
    """
    if kind not in POST_KINDS:
        msg = f"a post is one of {POST_KINDS}, not {kind!r}"
        raise ValueError(msg)
    return PostRecord(
        platform,
        workspace,
        channel,
        message_id,
        kind,
        version,
        reply.lang,
        tuple(reply.claims),
        reply_json(reply) if body is None else body,
        posted_at,
    )
