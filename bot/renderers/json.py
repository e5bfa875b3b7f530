r"""The neutral reply as JSON, for scripts and for inspecting what every surface receives.

JSON escapes C0 controls itself; C1 controls and direction overrides are escaped too
(``\u202e``), so the data stays exact while a terminal showing it is not steered by it.
"""

import json
import re
from typing import Any

from bot.core.reply import Reply
from bot.renderers.buttons import Nav

_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def page_dict(nav: Nav) -> dict[str, Any]:
    return {
        "number": nav.number,
        "of": nav.count,
        "kind": nav.kind.value,
        "asked": nav.asked,
        "notice": nav.notice,
        "buttons": [
            {"label": b.label, "id": b.id, "url": b.url, "disabled": b.disabled}
            for b in nav.buttons
        ],
    }


def render_json(reply: Reply, nav: Nav | None = None) -> str:
    """The reply as JSON; with ``nav``, one page of it and a ``page`` key saying where."""
    data = reply.to_dict()
    if nav is not None:
        data["page"] = page_dict(nav)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
