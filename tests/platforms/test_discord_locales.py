"""Spanish on Discord, through the real discord.py client against FakeDiscord: the
interaction's locale (es-ES, es-419) picks Spanish, ``lang`` on any command overrides it,
page buttons answer in the language of the message pressed, and the command tree carries
Spanish names and descriptions (synced once, compared with Discord's localizations).
"""

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core.dispatch import Dispatcher
from bot.i18n.catalogs import load_catalogs
from bot.platforms.discord.names import NAME_CHARS
from bot.platforms.discord.runner import DiscordRunner
from bot.renderers.buttons import ButtonId
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord, custom_id_of
from tests.platforms.test_discord import discord_settings, started

SIGUIENTE = "Siguiente \u203a"
# Discord's rule for command and option names (lower case where the script has case).
NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> AsyncIterator[DiscordRunner]:
    runner = await started(discord_settings(settings, fake_discord), dispatcher, fake_discord)
    yield runner
    await runner.stop()


def texts(data: dict[str, Any]) -> str:
    return str(data["embeds"])


@pytest.mark.parametrize("locale", ["es-419", "es-ES"])
async def test_a_spanish_client_gets_the_brief_in_spanish(
    bot: DiscordRunner, fake_discord: FakeDiscord, locale: str
) -> None:
    callback = await fake_discord.interact("numbers", locale=locale)
    data = callback["data"]
    assert data["embeds"][0]["title"] == "Las cifras"
    shown = texts(data)
    assert "Unos 47.000" in shown
    assert "Traducción de la redacción, no verificada con la fuente" in shown
    # The quotes stay the reports' own words, in English.
    assert "about 47,000 taxpayers" in shown
    assert data["embeds"][-1]["footer"]["text"].startswith("Información al 28 de febrero de 2026")
    assert [e["title"] for e in data["embeds"][1:2]] == ["Fuentes"]
    buttons = [b["label"] for b in data["components"][0]["components"]]
    assert buttons == ["\u2039 Anterior", SIGUIENTE, "Fuentes"]


async def test_other_locales_get_english_and_lang_overrides_the_client(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    french = await fake_discord.interact("numbers", locale="fr")
    assert french["data"]["embeds"][0]["title"] == "The numbers"
    asked = await fake_discord.interact("numbers", {"lang": "es"}, locale="en-US")
    assert asked["data"]["embeds"][0]["title"] == "Las cifras"
    back = await fake_discord.interact("numbers", {"lang": "en"}, locale="es-419")
    assert back["data"]["embeds"][0]["title"] == "The numbers"


async def test_a_press_answers_in_the_language_of_the_message_pressed(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    await fake_discord.interact("ruling", locale="es-419")
    message = list(fake_discord.interaction_messages.values())[-1]
    custom_id = custom_id_of(message, SIGUIENTE)
    assert len(custom_id) <= 100
    made = ButtonId.decode(custom_id)
    assert made is not None
    assert made.lang == "es"
    # Pressed by someone whose client is in English: the message is Spanish, so is the page.
    callback = await fake_discord.press(message, custom_id, locale="en-US")
    assert callback["type"] == 7
    page = callback["data"]
    assert "Página 2 de" in page["embeds"][-1]["footer"]["text"]
    assert page["embeds"][0]["title"] == "El fallo del 26 de febrero de 2026"
    english = await fake_discord.interact("ruling", locale="en-US")
    made_en = ButtonId.decode(str(english["data"]["components"][0]["components"][1]["custom_id"]))
    assert made_en is not None
    assert made_en.lang == "en"  # an English message's buttons carry no language


async def test_the_commands_carry_spanish_names_and_descriptions(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    synced = {c["name"]: c for c in fake_discord.commands["global"]}
    numbers = synced["numbers"]
    assert numbers["name_localizations"] == {"es-ES": "cifras", "es-419": "cifras"}
    assert numbers["description_localizations"]["es-419"].startswith("Las cifras clave")
    who = synced["who"]
    assert who["name_localizations"]["es-ES"] == "quién"
    assert [o["name_localizations"]["es-419"] for o in who["options"]] == [
        "nombre",
        "público",
        "idioma",
    ]
    recap = synced["recap"]
    action = recap["options"][0]
    assert {c["value"]: c["name_localizations"]["es-ES"] for c in action["choices"]} == {
        "list": "lista",
        "preview": "vista previa",
        "subscribe": "suscribir",
        "unsubscribe": "cancelar suscripción",
    }
    names: set[str] = set()
    for command in synced.values():
        localized = command["name_localizations"]["es-ES"]
        assert NAME.fullmatch(localized), localized
        assert localized == localized.lower()
        assert len(localized) <= NAME_CHARS
        assert localized not in names, f"two commands named {localized}"
        names.add(localized)
        assert len(command["description_localizations"]["es-ES"]) <= 100
        for option in command["options"]:
            assert NAME.fullmatch(option["name_localizations"]["es-ES"])
            assert len(option["description_localizations"]["es-ES"]) <= 100


async def test_an_unchanged_tree_with_localizations_is_not_synced_again(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> None:
    """Discord returns localizations only with with_localizations=true: asked for them, the
    bot sees its own tree and does not sync on every start.
    """
    configured = discord_settings(settings, fake_discord)
    first = await started(configured, dispatcher, fake_discord)
    await first.stop()
    assert fake_discord.syncs == ["global"]
    second = await started(configured, dispatcher, fake_discord)
    await second.stop()
    assert fake_discord.syncs == ["global"]


def test_every_name_discord_shows_has_its_spanish_form() -> None:
    """Each command, option and choice of the tree, in the catalog's "discord" context."""
    from bot.commands.catalog import build_registry

    catalogs, problems = load_catalogs()
    assert problems == []
    words = {"public", "lang", "English", "Spanish"}
    for command in build_registry():
        words.add(command.name)
        for option in command.options:
            words.add(option.name)
            if command.name != "help":  # help's choices are the commands themselves
                words.update(option.choices)
    missing = sorted(w for w in words if catalogs.pgettext("es", "discord", w) == w)
    assert missing == []
