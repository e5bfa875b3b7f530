"""Recaps in Spanish: ``/recap subscribe ... lang es`` and ``lang`` in RECAPS entries make a
subscription's recaps compose from the Spanish summaries, posted like any other.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.content.store import load_content
from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.core.reply import Reply
from bot.recaps.compose import compose, fits_one_message, snapshot
from bot.recaps.declared import BadDeclaration, declared_recaps
from bot.recaps.service import RecapService
from bot.renderers.slack import render_blocks
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.recaps.conftest import Clock, build_service
from tests.recaps.test_delivery import NINE_NY

WHEN = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
ADMIN = User("U1", is_admin=True)


def text_of(reply: Reply) -> str:
    return " ".join(f"{i.label or ''} {i.text}" for s in reply.sections for i in s.items)


def test_a_spanish_recap_is_composed_from_the_spanish_summaries(
    content_dirs: tuple[Path, Path],
) -> None:
    content = load_content(*content_dirs)
    reply, remembered = compose(content, None, WHEN, "es")
    assert reply.title == "Boletín del caso, 10 de marzo de 2026"
    assert reply.lang == "es"
    assert [s.heading for s in reply.sections][-1] == "Qué cambió"
    assert "Primer boletín en este canal." in text_of(reply)
    assert "Unas 42.695" in text_of(reply)
    assert all(c.translation for c in reply.citations)  # each quote with its rendering
    # Each citation carries its rendering too: what does not fit is left to /status, /numbers.
    assert reply.footer is not None
    assert reply.footer.endswith("Boletines: /recap list muestra los horarios de este canal.")
    assert fits_one_message(reply)
    assert remembered == snapshot(content)  # the snapshot is the same in every language
    english, _ = compose(content, None, WHEN)
    assert english.title == "Case recap, March 10, 2026"


def test_what_changed_is_said_in_spanish_with_the_older_wording_in_english(
    content_dirs: tuple[Path, Path],
) -> None:
    content = load_content(*content_dirs)
    told = snapshot(content)
    key = next(k for k in told["claims"] if k.startswith("numbers|"))
    told["claims"][key] = "An older wording of this figure."
    told["claims"]["numbers|A claim since dropped"] = "A claim since dropped."
    reply, _ = compose(content, (WHEN - timedelta(days=1), told), WHEN, "es")
    changes = [i.text for i in reply.sections[-1].items]
    assert any(
        line.startswith("Cambió: ")
        and "(la redacción anterior, en inglés: «An older wording of this figure.»)" in line
        for line in changes
    )
    assert "Se retiró (en inglés): «A claim since dropped.»" in changes


def test_subscribe_with_lang_es_and_change_it_back(dispatcher: Dispatcher) -> None:
    def ran(line: str) -> Reply:
        return dispatcher.run_line(line, platform="slack", channel="C1", user=ADMIN)

    made = ran("/recap subscribe daily 09:00 America/New_York lang es")
    assert "Subscribed (#1): daily at 09:00 America/New_York, in Spanish." in text_of(made)
    service = dispatcher.services.recap_service
    assert service is not None
    assert [s.lang for s in service.call(service.subscriptions)] == ["es"]
    listing = ran("/recap list lang:es")
    assert "a diario a las 09:00 America/New_York; español; próximo:" in text_of(listing)
    preview = ran("/recap preview lang:es")
    assert preview.title == "Vista previa: Boletín del caso, 10 de marzo de 2026"
    again = ran("/recap subscribe daily 09:00 America/New_York")
    assert "Already subscribed (#1): daily at 09:00 America/New_York, in English." in text_of(again)
    assert "Add `lang es` at the end for recaps in Spanish." in text_of(again)
    assert [s.lang for s in service.call(service.subscriptions)] == ["en"]
    typed = ran("/recap subscribe daily 09:00 America/New_York lang:es")  # lang: counts too
    assert "Suscripción ya existía" not in text_of(typed)
    assert "en español" in text_of(typed)
    wrong = ran("/recap subscribe daily 09:00 America/New_York lang espanol")
    assert "There is no language `espanol` for recaps." in text_of(wrong)
    assert "Did you mean `lang es`?" in text_of(wrong)


def test_recaps_declares_a_language_and_refuses_one_it_does_not_know() -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    entry = {"platform": "slack", "channel": "C1", "schedule": "daily", "lang": "es"}
    assert declared_recaps([entry], "UTC", now) == [
        ("slack", "", "C1", "daily", "09:00", "UTC", "es")
    ]
    with pytest.raises(BadDeclaration, match=r"RECAPS: entry 1: lang: .*Did you mean `es`"):
        declared_recaps([{**entry, "lang": "spanish"}], "UTC", now)


async def test_a_spanish_subscription_is_posted_in_spanish(
    dispatcher: Dispatcher,
    fakes: tuple[FakeSlack, FakeDiscord],
    tmp_path: Path,
) -> None:
    slack, _ = fakes
    clock = Clock(NINE_NY - timedelta(days=1))
    declared = declared_recaps(
        [
            {"platform": "slack", "channel": "CES", "schedule": "daily 09:00", "lang": "es"},
            {"platform": "slack", "channel": "CEN", "schedule": "daily 09:00"},
        ],
        "America/New_York",
        clock(),
    )
    url = f"sqlite:///{tmp_path / 'recaps.sqlite3'}"
    service: RecapService = build_service(url, dispatcher, clock, fakes, declared=declared)
    try:
        await service.ready()
        clock.now = NINE_NY + timedelta(minutes=1)
        report = await service.post_due()
        assert sorted(report.posted) == [
            "slack:CEN@2026-03-10T13:00Z",
            "slack:CES@2026-03-10T13:00Z",
        ]
        posted = {str(args["channel"]): args for args in slack.called("chat.postMessage")}
        blocks = posted["CES"]["blocks"]
        spanish = json.loads(blocks) if isinstance(blocks, str) else blocks
        assert "Boletín del caso, 10 de marzo de 2026" in str(posted["CES"]["text"])
        assert "Case recap, March 10, 2026" in str(posted["CEN"]["text"])
        composed, _ = compose(dispatcher.store.current, None, NINE_NY, "es")
        assert render_blocks(composed)[0] == spanish[0]
    finally:
        await service.aclose()
