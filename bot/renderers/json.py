"""The neutral reply as JSON, for scripts and for inspecting what every surface receives."""

import json

from bot.core.reply import Reply


def render_json(reply: Reply) -> str:
    return json.dumps(reply.to_dict(), indent=2, ensure_ascii=False, default=str)
