import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_need_nothing() -> None:
    settings = load_settings()
    assert settings.stale_after_days == 30
    assert not settings.slack_configured


def test_a_bad_value_names_the_variable_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STALE_AFTER_DAYS", "soon")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).splitlines() == [
        (
            "Invalid setting STALE_AFTER_DAYS: Input should be a valid integer, unable to parse "
            "string "
            "as an integer"
        )
    ]


def test_a_malformed_secret_is_named_but_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "hunter2-very-secret")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "SLACK_BOT_TOKEN" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_secrets_are_masked_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi-secret")
    settings = load_settings()
    assert "abc.def" not in repr(settings)
    assert settings.discord_configured


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("STALE_AFTER_DAYS=7\nDISCORD_GUILD_IDS=1, 2\n")
    settings = load_settings()
    assert settings.stale_after_days == 7
    assert settings.discord_guild_ids == [1, 2]


@pytest.mark.parametrize("value", ["not json", "[{", "{'platform': 'slack'}"])
def test_recaps_that_is_not_json_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RECAPS", value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    lines = str(caught.value).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Invalid setting RECAPS: not valid JSON")


def test_recaps_entries_of_the_wrong_shape_are_named_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECAPS", "[1, 2, 3]")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).splitlines() == [
        "Invalid setting RECAPS: entry 1: Input should be a valid dictionary"
    ]


@pytest.mark.parametrize("variable", ["SEEDS_DIR", "SUMMARIES_DIR"])
def test_a_missing_content_folder_is_named_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path, variable: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(variable, str(tmp_path / "nowhere"))
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).splitlines() == [
        f"Invalid setting {variable}: folder {tmp_path / 'nowhere'} not found"
    ]
