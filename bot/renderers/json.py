r"""The neutral reply as JSON, for scripts and for inspecting what every surface receives.

JSON escapes C0 controls itself; C1 controls and direction overrides are escaped too
(``\u202e``), so the data stays exact while a terminal showing it is not steered by it.
"""

import json
import re

from bot.core.reply import Reply

_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def render_json(reply: Reply) -> str:
    text = json.dumps(reply.to_dict(), indent=2, ensure_ascii=False, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
