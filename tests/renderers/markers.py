"""Reading a rendered payload as a reader sees it: the points and citation markers it shows,
and the sources it lists (used by the paging tests and benchmarks/chat_pages.py).
"""

import re
from typing import Any

# Discord writes a marker \[3\] (or \[[3](url)\] with links); Slack [3] or <url|[3]>.
_DISCORD_MARK = re.compile(r"\\\[\[?(\d+)")
_DISCORD_SOURCE = re.compile(r"(?m)^\\\[\[?(\d+)")
_SLACK_MARK = re.compile(r"\[(\d+)\]")
_SLACK_SOURCE = re.compile(r"^(?:<[^|>]*\|)?\[(\d+)\]")


class Measured:
    """One page as shown: body characters, claims, markers and the sources listed."""

    def __init__(self) -> None:
        self.body_chars = 0
        self.claims = 0
        self.markers: set[int] = set()
        self.listed: set[int] = set()

    @property
    def unlisted(self) -> set[int]:
        return self.markers - self.listed


def measure_discord(payload: dict[str, Any]) -> Measured:
    seen = Measured()
    for embed in payload["embeds"]:
        if str(embed.get("title", "")).startswith("Sources"):
            seen.listed |= {int(n) for n in _DISCORD_SOURCE.findall(embed.get("description", ""))}
            continue
        description = embed.get("description", "")
        lines = [line for line in description.split("\n") if line.startswith("\u2022 ")]
        fields = embed.get("fields", [])
        seen.claims += len(lines) + len(fields)
        body = "\n".join(lines) + "".join(f["name"] + f["value"] for f in fields)
        seen.body_chars += len(body)
        seen.markers |= {int(n) for n in _DISCORD_MARK.findall(body)}
    return seen


def measure_slack(payload: dict[str, Any]) -> Measured:
    seen = Measured()
    for block in payload["blocks"]:
        if block["type"] == "section":
            text = block.get("text", {})
            texts = [text["text"]] if text.get("type") == "mrkdwn" else []
            bullets = [
                line for text in texts for line in text.split("\n") if line.startswith("\u2022 ")
            ]
            if text.get("type") == "plain_text":  # a point echoing user text, shown as typed
                bullets.append(text["text"])
            fields = [f["text"] for f in block.get("fields", [])]
            seen.claims += len(bullets) + len(fields)
            body = "\n".join(bullets + fields)
            seen.body_chars += len(body)
            seen.markers |= {int(n) for n in _SLACK_MARK.findall(body)}
        elif block["type"] == "context":
            for element in block["elements"]:
                found = _SLACK_SOURCE.match(element.get("text", ""))
                if found:
                    seen.listed.add(int(found.group(1)))
    return seen
