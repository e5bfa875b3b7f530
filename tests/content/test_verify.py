from pathlib import Path

import pytest

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError
from bot.content.store import load_content


def _load(dirs: tuple[Path, Path]):  # type: ignore[no-untyped-def]
    return load_content(dirs[0], dirs[1], TOPIC_COMMANDS)


def _add_claim(dirs: tuple[Path, Path], citation: str) -> int:
    """Append a claim to ruling.md; return the citation's line number."""
    file = dirs[1] / "ruling.md"
    lines = file.read_text(encoding="utf-8").splitlines()
    lines += ["- An added claim.", f"  > {citation}"]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def test_shipped_content_verifies_every_quote(content_dirs: tuple[Path, Path]) -> None:
    content = _load(content_dirs)
    assert content.verification.ok
    assert content.verification.quotes >= 80
    assert content.verification.uncited_sources == ()


def test_a_good_quote_with_straight_quotes_and_dashes_passes(
    content_dirs: tuple[Path, Path],
) -> None:
    # The source has curly quotes and an en dash; the editor typed plain ones.
    _add_claim(content_dirs, 'epoch-times: "to stop implementation of the IRS-ICE agreement"')
    _add_claim(
        content_dirs, 'washington-report: "The judge\'s determination stems from a court filing"'
    )
    assert _load(content_dirs).verification.ok


def test_a_broken_quote_names_file_line_and_closest_passage(
    content_dirs: tuple[Path, Path],
) -> None:
    line = _add_claim(
        content_dirs, 'epoch-times: "the IRS violated a privacy law approximately 42,695 times"'
    )
    with pytest.raises(ContentError) as caught:
        _load(content_dirs)
    (problem,) = caught.value.problems
    assert problem.file.name == "ruling.md"
    assert problem.line == line
    report = str(problem)
    assert "quote not found in epoch-times" in report
    assert 'quote:   "the IRS violated a privacy law approximately 42,695 times"' in report
    assert "closest:" in report
    assert "confidentiality law" in report
    assert "000_5b59725cd89fcc65.txt:13" in report


def test_a_quote_from_a_photo_caption_is_not_evidence(content_dirs: tuple[Path, Path]) -> None:
    _add_claim(content_dirs, 'epoch-times: "in an undated file photograph"')
    with pytest.raises(ContentError) as caught:
        _load(content_dirs)
    assert "from a caption line" in str(caught.value.problems[0])


def test_a_missing_source_is_reported(content_dirs: tuple[Path, Path]) -> None:
    (content_dirs[0] / "001_168defd7204b689b.txt").unlink()
    with pytest.raises(ContentError) as caught:
        _load(content_dirs)
    text = "\n".join(map(str, caught.value.problems))
    assert "metadata without a source" in text
    assert "unknown source 'washington-report'" in text


def test_an_uncited_source_is_listed(content_dirs: tuple[Path, Path]) -> None:
    seeds = content_dirs[0]
    (seeds / "002_new.txt").write_text("A brand new report says something.\n", encoding="utf-8")
    (seeds / "002_new.toml").write_text('id = "new"\nlabel = "New report"\n', encoding="utf-8")
    assert _load(content_dirs).verification.uncited_sources == ("new",)


def test_metadata_must_quote_the_words_it_rests_on(content_dirs: tuple[Path, Path]) -> None:
    meta = content_dirs[0] / "000_5b59725cd89fcc65.toml"
    meta.write_text(
        meta.read_text().replace(
            'byline_quote = "Authored by Jack Phillips"', 'byline_quote = "By John Smith"'
        )
    )
    with pytest.raises(ContentError) as caught:
        _load(content_dirs)
    assert "byline_quote not found" in str(caught.value.problems[0])
