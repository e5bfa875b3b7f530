"""Renderers draw their own words in the reply's language (``Reply.lang``): "Sources", "As of",
the page buttons and captions; a quote's rendering is shown beside it, labelled; a translation
behind its English points to the English, as a link when it has an address.
"""

from datetime import date

from bot.core.reply import AsOf, Citation, Item, Reply, Section
from bot.renderers.buttons import DISCORD_ID_CHARS, SLACK_ID_CHARS, ButtonId, navigation
from bot.renderers.discord import render_discord, render_discord_page
from bot.renderers.json import render_json
from bot.renderers.pages import paginate
from bot.renderers.slack import render_slack, render_slack_page
from bot.renderers.text import render_text

QUOTE = "The judge wrote that the IRS violated a confidentiality law."
RENDERING = "La jueza escribió que el IRS violó una ley de confidencialidad."


def reply(lang: str = "es", english: str | None = None, items: int = 1) -> Reply:
    return Reply(
        title="Las cifras",
        sections=(
            Section("Cifras clave", tuple(Item(f"Punto {n}.", cites=(1,)) for n in range(items))),
        ),
        citations=(Citation(1, "epoch-times", "The Epoch Times", QUOTE, None, RENDERING),),
        as_of=AsOf(date(2026, 2, 28)),
        locale=lang,
        english=english,
        command="numbers",
    )


def test_text_draws_spanish_labels_and_the_labelled_rendering() -> None:
    shown = " ".join(render_text(reply(english="/numbers lang:en")).split())
    assert "Fuentes [1] The Epoch Times:" in shown
    assert "Traducción de la redacción, no verificada con la fuente: «La jueza escribió" in shown
    assert "Información al 28 de febrero de 2026." in shown
    assert "Versión en inglés: /numbers lang:en" in shown
    english = " ".join(render_text(reply(lang="en")).split())
    assert "Sources [1]" in english
    assert "As of Feb. 28, 2026." in english


def test_slack_links_the_english_and_labels_the_rendering() -> None:
    address = "https://brief.example.org/?topic=numbers#numbers"
    payload = render_slack(reply(english=address))
    blocks = str(payload["blocks"])
    assert f"<{address}|Leer la versión en inglés>" in blocks
    assert "_Traducción de la redacción, no verificada con la fuente: «La jueza" in blocks
    assert "Información al 28 de febrero de 2026" in blocks
    assert payload["text"] == "Las cifras (información al 28 de febrero de 2026)"
    command = str(render_slack(reply(english="/numbers lang:en"))["blocks"])
    assert "Versión en inglés: /numbers lang:en" in command


def test_discord_titles_its_sources_and_footer_in_spanish() -> None:
    address = "https://brief.example.org/?topic=numbers#numbers"
    embeds = render_discord(reply(english=address))["embeds"]
    assert embeds[0]["description"].startswith(f"[Leer la versión en inglés]({address})")
    assert embeds[1]["title"] == "Fuentes"
    assert (
        "\n> Traducción de la redacción, no verificada con la fuente: «La jueza"
        in (embeds[1]["description"])
    )
    assert embeds[-1]["footer"]["text"].startswith("Información al 28 de febrero de 2026")
    footer = render_discord(reply(english="/numbers lang:en"))["embeds"][-1]["footer"]["text"]
    assert "Versión en inglés: /numbers lang:en" in footer


def test_pages_buttons_and_ids_carry_the_language() -> None:
    paged = paginate(reply(items=60))
    assert paged.count > 2
    nav = navigation(paged, 1, id_chars=DISCORD_ID_CHARS)
    assert nav.caption == f"Página 1 de {paged.count}"
    labels = [b.label for b in nav.buttons]
    assert labels == ["\u2039 Anterior", "Siguiente \u203a", "Fuentes"]
    made = ButtonId.decode(str(nav.buttons[1].id))
    assert made is not None
    assert made.lang == "es"
    assert str(nav.buttons[1].id).startswith(f"pg1:numbers:2:{paged.version}:n-es:")
    last = paged.count
    assert paged.page(last).reply.title == "Las cifras: fuentes"
    sources = navigation(paged, last, id_chars=SLACK_ID_CHARS)
    assert sources.caption.startswith("Fuentes, página")
    assert [b.label for b in sources.buttons][-1] == "Volver a la respuesta"
    second = paged.page(2).reply
    assert second.sections[0].heading == "Cifras clave (continuación)"
    for number in range(1, paged.count + 1):
        render_slack_page(paged, number)
        render_discord_page(paged, number)


def test_english_ids_are_as_before_and_old_ids_still_read() -> None:
    made = ButtonId.decode("pg1:ruling:2:a4a36dcd:n:")
    assert made is not None
    assert made.lang == "en"
    assert made.encode(DISCORD_ID_CHARS) == "pg1:ruling:2:a4a36dcd:n:"
    spanish = ButtonId.decode("pg1:who:2:d3ee40d5:n-es:name=Romo")
    assert spanish is not None
    assert (spanish.lang, spanish.options) == ("es", (("name", "Romo"),))
    assert ButtonId.decode("pg1:who:2:d3ee40d5:n-:name=Romo") is None


def test_json_carries_the_language_the_rendering_and_the_english() -> None:
    data = render_json(reply(english="/numbers lang:en"))
    assert '"locale": "es"' in data
    assert f'"translation": "{RENDERING}"' in data
    assert '"english": "/numbers lang:en"' in data
    assert '"text": "28 de febrero de 2026"' in data
