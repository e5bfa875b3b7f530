"""What a corrected post says: the corrected claim with its note, the withdrawn claim
marked, dated as the post's language writes dates; the reply in its thread.
"""

from datetime import date
from pathlib import Path

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import ContentStore
from bot.core.dispatch import Dispatcher
from bot.renderers.text import render_text
from bot.updates.rewrite import Fix, corrected_reply, thread_reply
from bot.updates.versions import ClaimSnapshot

DAY = date(2026, 12, 9)
NEW_WORDS = "13: pages in the Feb. 26, 2026 opinion, per the Epoch Times report."
CORRECTED = ClaimSnapshot(
    "numbers-13-pages",
    "numbers",
    "Key figures",
    NEW_WORDS,
    (("epoch-times", "a new quote for the test"),),
    "It gave the wrong source.",
)


def fixes(kind: str = "corrected") -> dict[str, Fix]:
    if kind == "corrected":
        return {"numbers-13-pages": Fix("corrected", CORRECTED, CORRECTED.correction)}
    return {"numbers-13-pages": Fix("withdrawn", CORRECTED)}


def test_a_corrected_claim_shows_its_new_words_a_dated_note_and_its_new_citation(
    dispatcher: Dispatcher,
) -> None:
    reply = dispatcher.run_line("/numbers")
    fixed = corrected_reply(reply, fixes(), DAY)
    text = render_text(fixed)
    assert "Corrected Dec. 9, 2026: It gave the wrong source." in text
    assert "per the Epoch Times report." in text
    assert "a new quote for the test" in text  # listed in the same message, numbered on
    assert len(fixed.citations) == len(reply.citations) + 1
    untouched = [i for s in fixed.sections for i in s.items if i.key != "numbers-13-pages"]
    assert untouched[:3] == [i for s in reply.sections for i in s.items][:3]
    assert fixed.title == reply.title
    assert fixed.claims == reply.claims


def test_a_withdrawn_claim_stays_marked_withdrawn(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/numbers")
    (item,) = [
        i
        for s in corrected_reply(reply, fixes("withdrawn"), DAY).sections
        for i in s.items
        if i.key == "numbers-13-pages"
    ]
    assert item.label == "13 (Withdrawn Dec. 9, 2026)"
    assert "per The Epoch Times" in item.text  # the words it showed, marked


def test_a_spanish_post_stays_spanish(
    content_dirs: tuple[Path, Path], dispatcher: Dispatcher
) -> None:
    reply = dispatcher.run_line("/numbers lang:es")
    content = ContentStore(*content_dirs, TOPIC_COMMANDS).current
    text = render_text(corrected_reply(reply, fixes(), DAY, content))
    assert "Corregido el 9 de diciembre de 2026: It gave the wrong source." in text
    assert "per the Epoch Times report" not in text  # the Spanish claim with that id
    answer = render_text(thread_reply(fixes(), DAY, "es", content))
    assert "Corrección" in answer
    assert "Este mensaje se corrigió el 9 de diciembre de 2026" in answer


def test_the_thread_reply_says_what_was_corrected_with_its_citation() -> None:
    text = render_text(thread_reply(fixes(), DAY, "en"))
    assert "This message was corrected on Dec. 9, 2026: It gave the wrong source." in text
    assert f"It now says: {NEW_WORDS}" in text
    assert "a new quote for the test" in text
    (withdrawn,) = thread_reply(fixes("withdrawn"), DAY, "en").sections[0].items
    assert withdrawn.text == f"Withdrawn from the brief on Dec. 9, 2026: {NEW_WORDS}"
