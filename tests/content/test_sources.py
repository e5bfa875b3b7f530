from datetime import date
from pathlib import Path

from bot.content.sentences import split_sentences
from bot.content.sources import ParagraphKind, classify_paragraph, load_sources


def test_shipped_seeds_load_with_stated_metadata_only(content_dirs: tuple[Path, Path]) -> None:
    sources, problems = load_sources(content_dirs[0])
    assert problems == []
    by_id = {s.id: s for s in sources}
    epoch, report = by_id["epoch-times"], by_id["washington-report"]
    assert (epoch.meta.outlet, epoch.meta.byline, epoch.meta.published) == (
        "The Epoch Times",
        "Jack Phillips",
        date(2026, 2, 28),
    )
    assert report.meta.outlet is None
    assert report.meta.published is None
    assert report.meta.url is None
    assert report.date == date(2026, 2, 26)
    assert not report.date_is_exact


def test_seeds_are_byte_for_byte_copies_of_the_shared_reports() -> None:
    root = Path(__file__).resolve().parents[2]
    shared = root.parent / "shared" / "seeds"
    if not shared.is_dir():  # CI clones with shared/ beside the repo; elsewhere nothing to compare
        return
    for original in shared.glob("*.txt"):
        assert (root / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_non_reporting_lines_are_recognised() -> None:
    assert (
        classify_paragraph(" date 2026-02-28 Authored by Jack Phillips via The Epoch Times")
        is ParagraphKind.METADATA
    )
    assert (
        classify_paragraph("The IRS in Washington on Jan. 6, 2026. Madalina Kilroy/The Epoch Times")
        is ParagraphKind.CAPTION
    )
    assert (
        classify_paragraph("The Associated Press contributed to this report.")
        is ParagraphKind.CREDIT
    )
    assert classify_paragraph("By Jane Doe, Staff Writer") is ParagraphKind.BYLINE
    assert (
        classify_paragraph("The judge wrote that the IRS violated a confidentiality law.")
        is ParagraphKind.REPORTING
    )


def test_shipped_epoch_report_has_two_captions_a_dateline_and_a_credit(
    content_dirs: tuple[Path, Path],
) -> None:
    sources, _ = load_sources(content_dirs[0])
    epoch = next(s for s in sources if s.id == "epoch-times")
    kinds = {p.line: p.kind for p in epoch.paragraphs if p.kind is not ParagraphKind.REPORTING}
    assert kinds == {
        1: ParagraphKind.METADATA,
        5: ParagraphKind.CAPTION,
        25: ParagraphKind.CAPTION,
        35: ParagraphKind.CREDIT,
    }


def test_sentences_split_past_abbreviations_and_initials() -> None:
    text = (
        "U.S. District Judge Colleen Kollar-Kotelly ruled on Feb. 26. Judge Harry T. Edwards "
        "sits on the D.C. Circuit. “It matters,” she wrote."
    )
    assert split_sentences(text) == [
        "U.S. District Judge Colleen Kollar-Kotelly ruled on Feb. 26.",
        "Judge Harry T. Edwards sits on the D.C. Circuit.",
        "“It matters,” she wrote.",
    ]


def test_missing_metadata_and_bad_metadata_are_reported_by_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some reporting.\n")
    (tmp_path / "b.txt").write_text("Other reporting.\n")
    (tmp_path / "b.toml").write_text('id = "b"\nlabel = "B"\npublished = "soon"\n')
    _, problems = load_sources(tmp_path)
    text = "\n".join(map(str, problems))
    assert "a.toml: missing metadata file for a.txt" in text
    assert "b.toml:3: published" in text
