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


# --- Issue 16: every credential checked alike, every number bounded ----------------------

CREDENTIALS = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_TOKEN_ENCRYPTION_KEY",
    "DISCORD_TOKEN",
]


@pytest.mark.parametrize("variable", CREDENTIALS)
@pytest.mark.parametrize("value", ["   ", "\t", "abc def", "token\n"])
def test_whitespace_in_any_credential_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """A whitespace-only SLACK_SIGNING_SECRET crashed in Bolt (45 lines); SLACK_CLIENT_SECRET
    and SLACK_CLIENT_ID were accepted, then every install failed.
    """
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    [line] = [
        x for x in str(caught.value).splitlines() if x.startswith(f"Invalid setting {variable}:")
    ]
    assert "space" in line
    assert value.strip() not in line or not value.strip()


def test_an_encryption_key_list_may_have_spaces_after_its_commas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cryptography.fernet import Fernet

    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("SLACK_TOKEN_ENCRYPTION_KEY", f"{new}, {old}")
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing")
    assert load_settings().slack_oauth


# Settings whose upper bound belongs to another change (issue 21 owns the recap claim lease).
UNBOUNDED_ELSEWHERE = {"recap_claim_lease_seconds"}


def numeric_settings() -> list[str]:
    from bot.settings import Settings

    found = []
    for name, field in Settings.model_fields.items():
        annotation = str(field.annotation)
        if name not in UNBOUNDED_ELSEWHERE and ("int" in annotation or "float" in annotation):
            found.append(name.upper())
    return found


@pytest.mark.parametrize("variable", numeric_settings())
def test_every_number_is_bounded(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    """RECAP_GRACE_MINUTES=1000000000000 was accepted; then every recap was an OverflowError."""
    value = "1,1000000000000000000000" if variable.endswith("_IDS") else "1000000000000000000000"
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"Invalid setting {variable}:")
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_a_number_that_is_not_finite_or_below_its_floor_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CONTENT_RELOAD_SECONDS", value)
    with pytest.raises(SettingsError, match="Invalid setting CONTENT_RELOAD_SECONDS"):
        load_settings()


# --- issue 19: intake ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        (
            "SOURCE_FEEDS",
            "https://example.org/rss,file:///etc/passwd",
            "entry 2: must be an http(s)",
        ),
        ("SOURCE_FEEDS", "https://a.example/rss,https://a.example/rss", "a feed is listed twice"),
        ("SOURCE_FEEDS_POLL_SECONDS", "0", "greater than 0"),
        ("SOURCE_FEEDS_POLL_SECONDS", "1e9", "less than or equal to 604800"),
        ("SOURCE_MATCH", "IRS+,6103", "entry 1: a word or phrase"),
        ("SOURCE_FETCH_MAX_BYTES", "100", "greater than or equal to 10000"),
        ("COURTLISTENER_DOCKETS", "abc", "COURTLISTENER_DOCKETS"),
        ("COURTLISTENER_DOCKETS", "68000001", "COURTLISTENER_TOKEN: missing"),
        ("EDITORS_CHANNEL", "#editors", "must be slack:<channel id>"),
        ("EDITORS_CHANNEL", "slack:C0123456789", "a Slack channel needs SLACK_BOT_TOKEN"),
        ("EDITORS_CHANNEL", "discord:123456789012345678", "Discord is not configured"),
        ("EDITORS_LANG", "fr", "EDITORS_LANG"),
    ],
)
def test_intake_settings_are_checked_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    (line,) = str(caught.value).splitlines()
    assert line.startswith(f"Invalid setting {variable.split('_', 1)[0]}")
    assert says in line


def test_intake_settings_read_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_FEEDS", "https://a.example/rss, https://b.example/atom")
    monkeypatch.setenv("SOURCE_MATCH", "Kollar-Kotelly, IRS+ICE")
    monkeypatch.setenv("COURTLISTENER_DOCKETS", "68000001")
    monkeypatch.setenv("COURTLISTENER_TOKEN", "cl-secret-token")
    settings = load_settings()
    assert settings.source_feeds == ["https://a.example/rss", "https://b.example/atom"]
    assert settings.source_match == ["Kollar-Kotelly", "IRS+ICE"]
    assert settings.courtlistener_dockets == [68000001]
    assert "cl-secret-token" in settings.secrets()  # masked in every log line
    assert settings.source_feeds_poll_seconds == 900
