"""An editor's change to the brief while the bot serves, for tests of what is kept per content."""

from bot.core.dispatch import Dispatcher
from bot.platforms.presses import paged_reply
from bot.renderers.pages import Paged

REWORDED = "ruling's opinion"  # what the edit puts in /numbers' page 2


def reword_numbers(dispatcher: Dispatcher) -> Paged:
    """Reword a passage of summaries/numbers.md, reload, and page /numbers again."""
    numbers = dispatcher.store.summaries_dir / "numbers.md"
    edited = numbers.read_text(encoding="utf-8").replace(
        "in the Feb. 26, 2026 opinion", f"in the Feb. 26, 2026 {REWORDED}"
    )
    numbers.write_text(edited, encoding="utf-8")
    assert dispatcher.store.reload() == ()
    return paged_reply(dispatcher, dispatcher.run_line("/numbers"))
