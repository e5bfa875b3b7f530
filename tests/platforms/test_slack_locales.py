"""Spanish on Slack, through the real slack-bolt app against FakeSlack: the user's Slack locale
(users.info with include_locale, asked once and remembered), a language chosen with
``/brief lang es`` (kept in the database, across restarts), ``lang:es`` on any command, and
what happens when Slack or the database is slow or down: the ack is never late, and the
reply falls back to the Slack locale, then English.
"""

import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_dispatcher
from bot.platforms.slack.runner import SlackRunner
from bot.renderers.buttons import ButtonId
from bot.settings import Settings
from tests.fakes.slack import Failure, FakeSlack, button_of
from tests.platforms.test_slack_pages import socket_settings
from tests.renderers.slack_limits import assert_within_limits

SIGUIENTE = "Siguiente \u203a"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def runner(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> AsyncIterator[SlackRunner]:
    configured = socket_settings(settings, fake_slack)
    started = SlackRunner(configured, build_dispatcher(configured, clock))
    await started.start()
    yield started
    await started.stop()


def title(payload: dict[str, Any]) -> str:
    return str(payload["blocks"][0]["text"]["text"])


async def test_a_spanish_locale_user_gets_spanish_and_slack_is_asked_once(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    fake_slack.locales["U1"] = "es-LA"
    first = (await fake_slack.slash_command("/numbers"))["payload"]
    assert title(first) == "Las cifras"
    assert "Traducción de la redacción, no verificada con la fuente" in str(first["blocks"])
    assert "Información al 28 de febrero de 2026" in str(first["blocks"])
    assert_within_limits(first)
    again = (await fake_slack.slash_command("/status"))["payload"]
    assert title(again).startswith("Situación de las órdenes judiciales")
    asked = fake_slack.called("users.info")
    assert len(asked) == 1
    assert str(asked[0]["include_locale"]).lower() in ("true", "1")
    other = (await fake_slack.slash_command("/numbers", user_id="U2"))["payload"]
    assert title(other) == "The numbers"  # en-US: English


async def test_brief_lang_es_is_kept_per_person_across_restarts(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> None:
    configured = socket_settings(settings, fake_slack)
    before = SlackRunner(configured, build_dispatcher(configured, clock))
    await before.start()
    try:
        chosen = (await fake_slack.slash_command("/brief", "lang es"))["payload"]
        assert title(chosen) == "Su idioma"
        assert "desde ahora el resumen le responde en español" in str(chosen["blocks"])
        assert title((await fake_slack.slash_command("/numbers"))["payload"]) == "Las cifras"
        shown = (await fake_slack.slash_command("/brief", "lang"))["payload"]
        assert "como usted eligió" in str(shown["blocks"])
        # Someone else in the same workspace keeps their own language.
        assert title((await fake_slack.slash_command("/numbers", user_id="U2"))["payload"]) == (
            "The numbers"
        )
    finally:
        await before.stop()
    await fake_slack.drop_sockets()
    after = SlackRunner(configured, build_dispatcher(configured, clock))
    await after.start()
    try:
        assert title((await fake_slack.slash_command("/numbers"))["payload"]) == "Las cifras"
        typed = (await fake_slack.slash_command("/numbers", "lang:en"))["payload"]
        assert title(typed) == "The numbers"  # lang: on one command wins for that command
        await fake_slack.slash_command("/brief", "lang auto")
        assert title((await fake_slack.slash_command("/numbers"))["payload"]) == "The numbers"
    finally:
        await after.stop()


async def test_lang_on_any_command_and_did_you_mean(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    spanish = (await fake_slack.slash_command("/who", "Romo lang:es"))["payload"]
    assert title(spanish) == "Quién es quién: Romo"
    wrong = (await fake_slack.slash_command("/numbers", "lang:spanish"))["payload"]
    assert "There is no language `spanish`. Did you mean `lang:es`?" in str(wrong["blocks"])
    typo = (await fake_slack.slash_command("/brief", "lang espanol"))["payload"]
    assert "Did you mean `/brief lang es`?" in str(typo["blocks"])


async def test_a_spanish_message_s_buttons_answer_in_spanish(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    first = (await fake_slack.slash_command("/ruling", "lang:es"))["payload"]
    button = button_of(first, SIGUIENTE)
    assert len(button["action_id"]) <= 255
    made = ButtonId.decode(button["action_id"])
    assert made is not None
    assert made.lang == "es"
    pressed = await fake_slack.press(button, user_id="U9")  # whoever presses: Spanish
    (answer,) = await fake_slack.responses_to(pressed)
    assert answer["replace_original"] is True
    assert "Página 2 de" in str(answer["blocks"])


async def test_a_slow_users_info_never_makes_the_ack_late(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    fake_slack.locales["U1"] = "es-LA"
    fake_slack.failures["users.info"].append(
        Failure(200, {"ok": True, "user": {"id": "U1", "locale": "es-LA"}}, delay=5)
    )
    started = time.monotonic()
    ack = await fake_slack.slash_command("/numbers")
    assert time.monotonic() - started < 2.5
    assert title(ack["payload"]) == "The numbers"  # Slack did not say in time: English


async def test_without_the_database_the_slack_locale_still_decides(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    configured = socket_settings(
        settings, fake_slack, database_url=f"sqlite:///{blocker / 'db.sqlite3'}"
    )
    down = SlackRunner(configured, build_dispatcher(configured, clock))
    await down.start()
    try:
        fake_slack.locales["U1"] = "es-ES"
        started = time.monotonic()
        answer = (await fake_slack.slash_command("/numbers"))["payload"]
        assert time.monotonic() - started < 2.5
        assert title(answer) == "Las cifras"
        refused = (await fake_slack.slash_command("/brief", "lang en"))["payload"]
        assert "la base de datos no responde" in str(refused["blocks"])
    finally:
        await down.stop()
