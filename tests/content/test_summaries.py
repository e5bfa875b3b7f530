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


CORRECTED = """# T
## S
- The corrected claim. {#fixed}
  ! Correction: It gave the wrong figure.
  > src: "a verbatim quote here"
- Another claim.
  > src: "a verbatim quote here"
  ! Correction: Corrections may follow the quotes too.
"""


def test_a_correction_line_belongs_to_the_claim_above_it() -> None:
    topic, problems = parse_topic(Path("t.md"), CORRECTED)
    assert problems == []
    assert topic is not None
    first, second = topic.claims()
    assert (first.text, first.correction, first.correction_line) == (
        "The corrected claim.",
        "It gave the wrong figure.",
        4,
    )
    assert (second.correction, second.correction_line) == (
        "Corrections may follow the quotes too.",
        8,
    )


def test_a_spanish_correction_is_read_too() -> None:
    text = '# T\n## S\n- Afirmación. {#a}\n  ! Corrección: Daba otra cifra.\n  > src: "a b c"\n'
    topic, problems = parse_topic(Path("t.md"), text)
    assert problems == []
    assert topic is not None
    assert topic.claims()[0].correction == "Daba otra cifra."


def test_two_corrections_and_malformed_ones_are_refused_with_file_and_line() -> None:
    text = (
        "# T\n## S\n"
        "- One claim.\n"
        "  ! Correction: First.\n"
        "  ! Correction: Second.\n"
        '  > src: "a verbatim quote"\n'
        "  ! Corection: misspelt.\n"
        "  ! Correction:\n"
        "! Correction: not under a claim, not indented.\n"
    )
    _, problems = parse_topic(Path("c.md"), text)
    messages = [str(p) for p in problems]
    assert messages[0].startswith(
        "c.md:5: a second correction on one claim (the first is at line 4)"
    )
    assert messages[1].startswith("c.md:7: correction not understood")
    assert messages[2].startswith("c.md:8: correction not understood")
    assert messages[3].startswith("c.md:9: text outside a claim")
    assert len(messages) == 4


def test_a_malformed_or_repeated_claim_id_is_refused_with_file_and_line(tmp_path: Path) -> None:
    from bot.content.summaries import load_topics

    (tmp_path / "a.md").write_text(
        '# A\n## S\n- One. {#same}\n  > s: "a b c"\n- Two. {#Not_Valid}\n  > s: "a b c"\n',
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text('# B\n## S\n- Three. {#same}\n  > s: "a b c"\n', "utf-8")
    _, problems = load_topics(tmp_path)
    messages = sorted(str(p).removeprefix(str(tmp_path) + "/") for p in problems)
    assert messages[0].startswith("a.md:5: claim id {#Not_Valid} not understood")
    assert messages[1] == "b.md:3: claim id {#same} is already used at a.md:3"
