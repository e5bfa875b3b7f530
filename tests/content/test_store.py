from pathlib import Path

from bot.commands import TOPIC_COMMANDS
from bot.content.store import ContentStore


def test_a_failed_reload_keeps_the_last_good_content_and_says_why(content_dirs: tuple[Path, Path]) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    good = store.current
    (content_dirs[1] / "numbers.md").write_text("# Numbers\n## S\nUncited text.\n", encoding="utf-8")
    problems = store.reload_if_changed()
    assert problems and "numbers.md:3: text outside a claim" in str(problems[0])
    assert store.current is good
    assert store.reload_if_changed() is None  # the same broken files are not re-read and re-reported


def test_a_good_edit_is_picked_up(content_dirs: tuple[Path, Path]) -> None:
    store = ContentStore(*content_dirs, TOPIC_COMMANDS)
    file = content_dirs[1] / "numbers.md"
    file.write_text(file.read_text().replace("# The numbers", "# The key numbers"), encoding="utf-8")
    assert store.reload_if_changed() == ()
    assert store.current.topics["numbers"].title == "The key numbers"
