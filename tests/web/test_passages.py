"""Locating quoted passages in a report and drawing them as properly nested HTML."""

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from bot.content.normalize import normalize
from bot.core.dispatch import Dispatcher
from bot.web.brief import build_brief
from bot.web.passages import (
    Span,
    anchor,
    find_in_paragraph,
    mark_source,
    normalize_with_offsets,
    render_spans,
)

TYPOGRAPHIC = st.sampled_from(
    list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u2009\u200b \t\n")
)
TEXT = st.lists(
    st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), TYPOGRAPHIC), max_size=60
).map("".join)


class Tree(HTMLParser):
    """Checks tags nest properly and collects the text and ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text = ""
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        self.ids += [value for name, value in attrs if name == "id" and value]

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing open"
        assert self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        self.text += data


def parse(html: str) -> Tree:
    tree = Tree()
    tree.feed(str(html))  # a plain str: Markup would escape what the parser concatenates
    tree.close()
    assert tree.open == []
    return tree


@given(TEXT)
def test_offsets_follow_normalize_exactly(text: str) -> None:
    normalized, origins = normalize_with_offsets(text)
    assert normalized == normalize(text)
    assert len(origins) == len(normalized)
    assert origins == sorted(origins)


@given(TEXT, st.data())
def test_a_quote_is_found_where_verification_finds_it(text: str, data: st.DataObject) -> None:
    normalized = normalize(text)
    if not normalized:
        return
    start = data.draw(st.integers(0, len(normalized) - 1))
    end = data.draw(st.integers(start + 1, len(normalized)))
    quote = normalized[start:end]
    span = find_in_paragraph(text, quote)
    if not quote.strip():
        return
    assert span is not None
    assert normalize(quote) in normalize(text[span[0] : span[1]])


@given(
    TEXT, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 1)), max_size=8)
)
def test_crossing_spans_still_nest_and_keep_the_text(
    text: str, raw: list[tuple[int, int, int]]
) -> None:
    spans = [
        Span(min(a, b), max(a, b), level, f"a{i}", "mark" if level else "span", "cited")
        for i, (a, b, level) in enumerate(raw)
    ]
    tree = parse(render_spans(text, spans))
    assert tree.text == text
    assert len(tree.ids) == len(set(tree.ids))  # an id is never repeated on a continuation
    drawn = {s.anchor for s in spans if 0 <= s.start < s.end <= len(text)}
    assert set(tree.ids) == drawn


def test_markup_in_a_report_is_shown_as_text() -> None:
    html = render_spans("<script>alert(1)</script> & more", [Span(0, 8, 1, "p-1", "mark", "cited")])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; more" in html


def test_the_anchor_depends_only_on_the_words_of_the_passage() -> None:
    assert anchor("“approximately 42,695” times") == anchor('"approximately  42,695" times')
    assert anchor("approximately 42,695 times") != anchor("approximately 42,694 times")
    assert anchor("x").startswith("p-")
    assert len(anchor("x")) == 14


def test_every_quote_of_the_shipped_brief_is_located_in_its_report(dispatcher: Dispatcher) -> None:
    brief = build_brief(dispatcher)
    content = dispatcher.store.current
    for source_id, quotes in brief.quotes_by_source.items():
        marked = mark_source(content.sources[source_id], quotes)
        assert marked.missing == []
        for quote in quotes:
            passage = marked.passages[anchor(quote)]
            paragraph = content.sources[source_id].paragraphs[passage.paragraph]
            assert normalize(paragraph.text[passage.start : passage.end]) == normalize(quote)
        # and each paragraph's HTML nests, keeps its words and carries each passage's id once
        for index, paragraph in enumerate(content.sources[source_id].paragraphs):
            tree = parse(marked.paragraph_html(index))
            assert tree.text == paragraph.text
            assert len(tree.ids) == len(set(tree.ids))


def test_metadata_rests_on_passages_outside_the_reporting(dispatcher: Dispatcher) -> None:
    source = dispatcher.store.current.sources["epoch-times"]
    marked = mark_source(source, ())
    fields = {field for passage in marked.passages.values() for field in passage.evidence}
    assert fields == {"outlet", "byline", "published"}
    assert all(not p.cited for p in marked.passages.values())
