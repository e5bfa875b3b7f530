"""Making text inert before a platform sees it: no mentions, no links, within limits.

Control characters and Unicode direction controls are replaced first (everywhere, the
terminal included): they could rewrite a terminal, or reorder what a reader sees so that
a quote or a figure appears to say something else.

Applied to all text, not only the user's: a title like "Quotes matching <words>" mixes
both, and content that passed review does not need live links or mentions either.
"""

import re
from functools import lru_cache

# C0 (but tab and newline), DEL, C1; bidi embeddings, overrides, isolates and marks;
# line/paragraph separators. Replaced by U+FFFD: visible, and never joins two tokens into
# one (removing them would turn "@\x00here" into "@here").
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
REPLACEMENT = "\ufffd"
_WORD_JOINER = "\u2060"  # invisible; splits a token so no client parses it
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_SLACK_SPECIAL = re.compile(r"<(?=[!@#])")  # <!here>, <@U123>, <#C123>: Slack's mention syntax
_SCHEME = re.compile(r"(?<=[A-Za-z])://")
# host.tld or www.host: what chat clients auto-link. "U.S." and "D.C." do not match.
_DOMAIN_DOT = re.compile(r"(?<=[A-Za-z0-9-])\.(?=(?:[A-Za-z]{2,}|[A-Za-z0-9-]+\.[A-Za-z]{2,})\b)")


def neutralise(text: str) -> str:
    """Control characters and direction overrides replaced by U+FFFD."""
    return _UNSAFE.sub(REPLACEMENT, text)


@lru_cache(maxsize=16_384)  # pure, and replies repeat the same content strings
def defuse(text: str) -> str:
    """Neutralise, then break @channel/@here/@everyone, <!...> mentions, URL schemes and bare
    domains.
    """
    text = _BROADCAST.sub("@" + _WORD_JOINER, neutralise(text))
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
