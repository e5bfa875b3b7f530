"""Making text inert before a platform sees it: no mentions, no links, within limits.

Applied to all text, not only the user's: a title like "Quotes matching <words>" mixes
both, and content that passed review does not need live links or mentions either.
"""

import re
from functools import lru_cache

_WORD_JOINER = "\u2060"  # invisible; splits a token so no client parses it
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.I)
_SLACK_SPECIAL = re.compile(r"<(?=[!@#])")  # <!here>, <@U123>, <#C123>: Slack's mention syntax
_SCHEME = re.compile(r"(?<=[A-Za-z])://")
# host.tld or www.host: what chat clients auto-link. "U.S." and "D.C." do not match.
_DOMAIN_DOT = re.compile(r"(?<=[A-Za-z0-9-])\.(?=(?:[A-Za-z]{2,}|[A-Za-z0-9-]+\.[A-Za-z]{2,})\b)")


@lru_cache(maxsize=16_384)  # pure, and replies repeat the same content strings
def defuse(text: str) -> str:
    """Break @channel/@here/@everyone, <!...> mention syntax, URL schemes and bare domains."""
    text = _BROADCAST.sub("@" + _WORD_JOINER, text)
    text = _SLACK_SPECIAL.sub("<" + _WORD_JOINER, text)
    text = _SCHEME.sub(":" + _WORD_JOINER + "//", text)
    return _DOMAIN_DOT.sub("." + _WORD_JOINER, text)


def clip(text: str, limit: int, marker: str = "\u2026") -> str:
    """Shorten to at most ``limit`` characters, on a word boundary where one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(marker)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + marker
