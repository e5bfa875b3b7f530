from pathlib import Path

from bot.content.summaries import parse_topic

GOOD = """# Title
<!-- an editor's note,
     over two lines -->
## Section
- A claim that runs
  over two lines.
  > src: "a verbatim quote here"
- **42**: a labelled figure.
  > src: “curly quotes work too”
"""


def test_claims_labels_and_citations_are_parsed_with_their_lines() -> None:
    topic, problems = parse_topic(Path("t.md"), GOOD)
    assert problems == []
    assert topic is not None
    assert topic.title == "Title"
    first, second = topic.claims()
    assert (first.text, first.line, first.citations[0].line) == (
        "A claim that runs over two lines.",
        5,
        7,
    )
    assert (second.label, second.text, second.citations[0].quote) == (
        "42",
        "a labelled figure.",
        "curly quotes work too",
    )


def test_uncited_text_and_claims_are_refused_with_file_and_line() -> None:
    text = '# T\n## S\nA loose sentence.\n- An uncited claim.\n- x\n  > src: "two words"\n'
    _, problems = parse_topic(Path("s.md"), text)
    messages = [str(p) for p in problems]
    assert any(m.startswith("s.md:3: text outside a claim") for m in messages)
    assert any(m.startswith("s.md:4: claim has no citation") for m in messages)
    assert any(m.startswith("s.md:6: quote too short") for m in messages)


def test_malformed_citation_line_is_explained() -> None:
    _, problems = parse_topic(Path("s.md"), "# T\n## S\n- c\n  > src quote without colon\n")
    assert "s.md:4: citation not understood" in str(problems[0])
