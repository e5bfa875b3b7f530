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


# Text that cannot pass for a marker ("[3]") when the tests read markers back from a payload.
_PROSE = st.characters(blacklist_characters="[]\\", blacklist_categories=("Cs",))


@st.composite
def cited_replies(draw: st.DrawFn) -> Reply:
    """Replies as commands make them: citations numbered 1..n, every marker one of them."""
    count = draw(st.integers(0, 80))
    citations = tuple(
        Citation(
            n,
            draw(st.sampled_from(["epoch-times", "washington-report"])),
            draw(st.text(_PROSE, min_size=1, max_size=60)),
            draw(st.text(_PROSE, min_size=1, max_size=450)),
            draw(st.none() | st.just(f"https://brief.example.org/sources/x?passage=p-{n:012x}")),
        )
        for n in range(1, count + 1)
    )
    cites = st.lists(st.integers(1, count), max_size=6).map(tuple) if count else st.just(())
    items = st.builds(
        Item,
        text=st.text(_PROSE, min_size=1, max_size=700),
        label=st.none() | st.text(_PROSE, min_size=1, max_size=80),
        cites=cites,
    )
    sections = st.builds(
        Section,
        heading=st.none() | st.text(_PROSE, min_size=1, max_size=80),
        items=st.lists(items, min_size=1, max_size=12).map(tuple),
    )
    return Reply(
        title=draw(st.text(_PROSE, min_size=1, max_size=120)),
        sections=draw(st.lists(sections, max_size=8).map(tuple)),
        citations=citations,
        as_of=AsOf(date(2026, 2, 28)),
        warnings=draw(st.lists(st.text(_PROSE, max_size=200), max_size=2).map(tuple)),
        command=draw(st.sampled_from(["ruling", "who", "quote"])),
        args=draw(st.sampled_from([(), (("name", "Romo"),), (("words", "x " * 80),)])),
        url=draw(st.none() | st.just("https://brief.example.org/?topic=ruling#ruling")),
    )
