"""Which language a reader gets: platform locale tags, and ``lang`` as typed."""

import pytest

from bot.i18n.locales import UnknownLanguage, locale_for, parse_lang


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es-ES", "es"),  # Discord
        ("es-419", "es"),  # Discord, Latin America
        ("es-LA", "es"),  # Slack
        ("es_MX.UTF-8", "es"),  # POSIX
        ("ES", "es"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("fr-FR", "en"),  # a language the brief is not written in: English
        ("pt-BR", "en"),
        ("zz", "en"),
        ("", "en"),
        (None, "en"),
        ("not a tag at all", "en"),
    ],
)
def test_a_platform_locale_picks_spanish_or_falls_back_to_english(
    tag: str | None, expected: str
) -> None:
    assert locale_for(tag) == expected


@pytest.mark.parametrize(("typed", "expected"), [("es", "es"), ("EN", "en"), ("es-MX", "es")])
def test_lang_as_typed(typed: str, expected: str) -> None:
    assert parse_lang(typed) == expected


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("spanish", ["es"]),
        ("español", ["es"]),
        ("espanol", ["es"]),
        ("esp", ["es"]),
        ("english", ["en"]),
        ("inglés", ["en"]),
        ("fr", []),
    ],
)
def test_any_other_lang_gets_a_did_you_mean(typed: str, suggested: list[str]) -> None:
    with pytest.raises(UnknownLanguage) as raised:
        parse_lang(typed)
    assert raised.value.suggestions == suggested
    message = str(raised.value)
    assert f"There is no language `{typed}`." in message
    assert "Languages: `en`, `es`." in message
    if suggested:
        assert f"Did you mean `{suggested[0]}`?" in message
