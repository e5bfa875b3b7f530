"""Hypothesis strategies for neutral replies and hostile user text."""

from datetime import date

from hypothesis import strategies as st

from bot.core.reply import AsOf, Citation, Item, Reply, Section

# Text rich in what could break a platform: mention and link syntax, markup, long runs.
_HOSTILE = st.sampled_from(
    [
        "@channel",
        "@here",
        "@everyone",
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<#C123>",
        "<!subteam^S1>",
        "https://evil.example/x",
        "http://a.io",
        "www.evil.com",
        "evil.com",
        "<https://x.io|click>",
        "*",
        "_",
        "~",
        "`",
        "```",
        "&",
        "<",
        ">",
        "|",
        "\n",
        "@",
        ".",
        ":",
        "//",
        "\u200b",
        "😀",
        "@@everyone",
        "@ here",
        "<<!here>>",
    ]
)
user_text = st.lists(st.one_of(_HOSTILE, st.text(max_size=30)), max_size=40).map(" ".join)
_text = st.one_of(user_text, st.text(max_size=3000))

_items = st.builds(
    Item,
    text=_text,
    label=st.none() | st.text(max_size=300) | _HOSTILE,
    cites=st.lists(st.integers(1, 200), max_size=5).map(tuple),
)
_sections = st.builds(
    Section, heading=st.none() | _text, items=st.lists(_items, min_size=1, max_size=30).map(tuple)
)


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    citations = draw(
        st.lists(
            st.builds(
                Citation,
                number=st.integers(1, 500),
                source_id=st.text(max_size=20),
                source_label=_text,
                quote=_text,
            ),
            max_size=120,
        ).map(tuple)
    )
    return Reply(
        title=draw(_text),
        sections=draw(st.lists(_sections, max_size=25).map(tuple)),
        citations=citations,
        as_of=draw(st.none() | st.builds(AsOf, date=st.dates(date(2020, 1, 1), date(2030, 1, 1)))),
        warnings=draw(st.lists(_text, max_size=12).map(tuple)),
        public=draw(st.booleans()),
        footer=draw(st.none() | _text),
    )
