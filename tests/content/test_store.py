from pathlib import Path

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import ContentStore


def test_a_failed_reload_keeps_the_last_good_content_and_says_why(
    content_dirs: tuple[Path, Path],
) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    good = store.current
    (content_dirs[1] / "numbers.md").write_text(
        "# Numbers\n## S\nUncited text.\n", encoding="utf-8"
    )
    problems = store.reload_if_changed()
    assert problems
    assert "numbers.md:3: text outside a claim" in str(problems[0])
    assert store.current is good
    assert (
        store.reload_if_changed() is None
    )  # the same broken files are not re-read and re-reported


def test_a_good_edit_is_picked_up(content_dirs: tuple[Path, Path]) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    file = content_dirs[1] / "numbers.md"
    file.write_text(
        file.read_text().replace("# The numbers", "# The key numbers"), encoding="utf-8"
    )
    assert store.reload_if_changed() == ()
    assert store.current.topics["numbers"].title == "The key numbers"


import logging  # noqa: E402

import pytest  # noqa: E402

from bot.content.problems import ContentError  # noqa: E402

# Files editors have really saved: Latin-1, UTF-16 with a BOM, an image by mistake.
UNREADABLE = {
    "latin-1": "Caf\u00e9 \u00bd".encode("latin-1"),
    "utf-16": "# Numbers".encode("utf-16"),
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00",
}


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
@pytest.mark.parametrize(
    "name",
    ["summaries/numbers.md", "seeds/000_5b59725cd89fcc65.toml", "seeds/000_5b59725cd89fcc65.txt"],
)
def test_unreadable_file_at_start_is_a_problem_naming_it(
    content_dirs: tuple[Path, Path], name: str, kind: str
) -> None:
    file = content_dirs[0].parent / name
    file.write_bytes(UNREADABLE[kind])
    with pytest.raises(ContentError) as raised:
        ContentStore(*content_dirs, TOPIC_COMMANDS)
    mine = [p for p in raised.value.problems if p.file == file]
    assert mine
    assert "UTF-8" in mine[0].message or "binary" in mine[0].message
    assert mine[0].line is not None


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_unreadable_edit_while_running_is_reported_then_a_good_edit_loads(
    content_dirs: tuple[Path, Path], kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    good = store.current
    file = content_dirs[1] / "numbers.md"
    text = file.read_text(encoding="utf-8")
    file.write_bytes(UNREADABLE[kind])
    problems = store.reload_if_changed()
    assert problems
    assert "numbers.md:" in str(problems[0])
    assert store.current is good
    assert "numbers.md" in caplog.text
    assert store.last_problems == problems
    file.write_text(text.replace("# The numbers", "# The key numbers"), encoding="utf-8")
    assert store.reload_if_changed() == ()
    assert store.current.topics["numbers"].title == "The key numbers"
    assert store.last_problems == ()


def test_no_exception_escapes_reloading(
    content_dirs: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    """A symlink loop makes even listing the folder fail: logged with its traceback, kept
    serving.
    """
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    good = store.current
    loop = content_dirs[1] / "loop.md"
    loop.symlink_to(loop.name)
    with caplog.at_level(logging.ERROR):
        problems = store.reload_if_changed()
    assert problems
    assert "reload failed" in str(problems[0])
    assert store.current is good
    assert any(r.exc_info for r in caplog.records)
    loop.unlink()
    file = content_dirs[1] / "numbers.md"
    file.write_text(
        file.read_text().replace("# The numbers", "# The key numbers"), encoding="utf-8"
    )
    assert store.reload_if_changed() == ()
    assert store.current.topics["numbers"].title == "The key numbers"
