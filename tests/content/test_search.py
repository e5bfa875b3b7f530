from pathlib import Path

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import load_content


def _index(dirs: tuple[Path, Path]):  # type: ignore[no-untyped-def]
    return load_content(dirs[0], dirs[1], TOPIC_COMMANDS).index


def test_figures_and_names_find_their_sentences(content_dirs: tuple[Path, Path]) -> None:
    index = _index(content_dirs)
    assert "42,695" in index.search("42,695").hits[0].sentence.text
    assert "Kollar-Kelly" in index.search("Kollar Kelly").hits[0].sentence.text


def test_typos_are_corrected_and_reported(content_dirs: tuple[Path, Path]) -> None:
    result = _index(content_dirs).search("injuction")
    assert ("injuction", "injunction") in result.corrected
    assert result.hits


def test_captions_and_bylines_are_never_returned(content_dirs: tuple[Path, Path]) -> None:
    texts = [
        h.sentence.text for h in _index(content_dirs).search("Madalina Kilroy photograph", 20).hits
    ]
    assert not any("Kilroy" in t for t in texts)


def test_nothing_matches_gibberish(content_dirs: tuple[Path, Path]) -> None:
    assert _index(content_dirs).search("zzzq xxyv").hits == ()
