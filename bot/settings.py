"""Settings from the environment and ``.env``, validated once in ``main`` and passed in.

Names follow each platform's own conventions (SLACK_BOT_TOKEN, ...). Every setting is
documented in config.example.env.
"""

import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

from bot.encryption import KEY_HINT, InvalidKeys, parse_keys

ROOT = Path(__file__).resolve().parent.parent


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"unknown IANA time zone {value!r} (e.g. America/New_York)"
        raise ValueError(msg) from None
    return value


_PUBLIC_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/-]*)?$")


def _public_url(value: str | None) -> str | None:
    # Chat replies put this address inside Slack <url|text> and Markdown [text](url) links:
    # only plain host and path characters, so it can never break out of them.
    if value is not None and not _PUBLIC_URL.match(value):
        msg = (
            "must be an http(s) address of the web pages without query or fragment, "
            "e.g. https://brief.example.org"
        )
        raise ValueError(msg)
    return value.rstrip("/") if value else value


# Slack tokens are easy to swap by mistake; their prefixes tell them apart.
_SLACK_TOKEN_KINDS = {
    "slack_bot_token": ("xoxb-", "a bot token"),
    "slack_app_token": ("xapp-", "an app-level token"),
}
# Every credential, checked alike (and masked in every log line, with DATABASE_URL's password).
SECRETS = (
    "slack_bot_token",
    "slack_signing_secret",
    "slack_app_token",
    "slack_client_secret",
    "slack_token_encryption_key",
    "discord_token",
    "courtlistener_token",
)
_SNOWFLAKE_MAX = 2**64 - 1  # Discord ids are unsigned 64-bit
_FEED_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
MAX_FEEDS = 1000
MAX_MATCH_TERMS = 200
_EDITORS_CHANNEL = re.compile(r"^(?:slack:[CG][A-Z0-9]{2,30}|discord:[1-9][0-9]{5,19})$")


def _feed_urls(value: list[str]) -> list[str]:
    if len(value) > MAX_FEEDS:
        msg = f"{len(value)} feeds; give at most {MAX_FEEDS}"
        raise ValueError(msg)
    for number, url in enumerate(value, start=1):
        if len(url) > 2000 or not _FEED_URL.match(url):  # noqa: PLR2004 - a URL's sane length
            msg = f"entry {number}: must be an http(s) address of an RSS or Atom feed"
            raise ValueError(msg)
    if len(set(value)) != len(value):
        msg = "a feed is listed twice"
        raise ValueError(msg)
    return value


def _match_terms(value: list[str]) -> list[str]:
    if len(value) > MAX_MATCH_TERMS:
        msg = f"{len(value)} terms; give at most {MAX_MATCH_TERMS}"
        raise ValueError(msg)
    for number, term in enumerate(value, start=1):
        parts = [part.strip() for part in term.split("+")]
        if len(term) > 200 or not all(parts):  # noqa: PLR2004 - one phrase, not a text
            msg = (
                f"entry {number}: a word or phrase of at most 200 characters, or words that "
                "must all appear joined by + (IRS+ICE)"
            )
            raise ValueError(msg)
    return value


def _editors_channel(value: str | None) -> str | None:
    if value is not None and not _EDITORS_CHANNEL.match(value):
        msg = "must be slack:<channel id> (slack:C0123456789) or discord:<channel id>"
        raise ValueError(msg)
    return value


def _credential_problem(value: str) -> str | None:
    """Whitespace never belongs in a token, secret or client ID: a copy-paste slip that would
    otherwise fail on first use (every install, every request) instead of at start.
    """
    if not value.strip():
        return "is empty or only spaces; set it, or remove the line"
    if any(c.isspace() for c in value):
        return "contains spaces or a line break, which no credential has; copy it again"
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        validate_default=True,
        env_ignore_empty=True,
    )

    # Content
    seeds_dir: Path = ROOT / "seeds"
    summaries_dir: Path = ROOT / "summaries"
    stale_after_days: int = Field(default=30, ge=0, le=3650)
    # 0 turns watching off
    content_reload_seconds: float = Field(default=5.0, ge=0, le=86400, allow_inf_nan=False)
    log_level: str = Field(default="INFO", pattern=r"(?i)^(DEBUG|INFO|WARNING|ERROR)$")
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for log pipelines

    # Slack (standard names)
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://")
    slack_admin_user_ids: Annotated[list[str], NoDecode] = []
    # Slack for many workspaces (OAuth install); see bot/platforms/slack/oauth.py
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_token_encryption_key: SecretStr | None = (
        None  # Fernet key(s), newest first, comma-separated
    )
    # Every interface: Slack, health checks and readers reach the service from outside.
    host: str = "0.0.0.0"  # noqa: S104
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port (tests)

    # Discord
    discord_token: SecretStr | None = None
    discord_guild_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=_SNOWFLAKE_MAX)]], NoDecode
    ] = []
    discord_api_url: str = Field(default="https://discord.com/api/v10", pattern=r"^https?://")
    # None: as Discord recommends
    discord_shard_count: int | None = Field(default=None, ge=1, le=100_000)
    # this process's shards; empty: all
    discord_shard_ids: Annotated[list[Annotated[int, Field(ge=0, le=99_999)]], NoDecode] = []

    # Recaps
    database_url: str = Field(
        default="sqlite:///case-brief.sqlite3", pattern=r"^(sqlite:///|postgres(ql)?://)"
    )
    recap_grace_minutes: int = Field(default=60, ge=0, le=10_080)  # a week at most
    # Corrections in place (issue 18): posts older than this are not edited (listed instead).
    corrections_max_age_days: int = Field(default=90, ge=1, le=3650)
    recap_timezone: Annotated[str, AfterValidator(_timezone)] = "UTC"
    # A dead process's claims are taken over once their lease runs out (issue 21: within a
    # minute); its heartbeat renews them every third of it.
    recap_claim_lease_seconds: int = Field(default=30, ge=2, le=3600)
    # Due slots claimed in one transaction (and outcomes written in groups); each instance
    # holds at most about twice this many claims not yet posted.
    recap_claim_batch: int = Field(default=50, ge=1, le=1000)
    recap_concurrency: int = Field(default=50, ge=1, le=1000)
    recaps: list[dict[str, str]] = []  # JSON list declared by operators; see config.example.env
    # Recap pacing: Slack messages per second per workspace, per instance (Slack allows ~1/s
    # per channel).
    recap_slack_workspace_rate: float = Field(default=20.0, gt=0, le=1000)
    # Update posts (issue 18): edits in a burst make one post, once the content has been
    # quiet this long (a day at most).
    update_quiet_seconds: int = Field(default=120, ge=0, le=86_400)

    # Web pages: where they are published; chat replies then link each citation to its passage
    public_url: Annotated[str | None, AfterValidator(_public_url)] = Field(
        default=None, max_length=200
    )

    # The HTTP service (issue 16): bounds on connections, and an operator-only listener.
    # OPS_PORT set: /metrics and /readyz with each failure's cause on OPS_HOST:OPS_PORT only.
    ops_host: str = "127.0.0.1"
    ops_port: int | None = Field(default=None, ge=0, le=65535)
    http_max_connections: int = Field(default=4000, ge=8, le=1_000_000)
    http_max_connections_per_client: int = Field(default=100, ge=0, le=1_000_000)  # 0: no cap
    http_header_timeout_seconds: float = Field(default=10.0, gt=0, le=300, allow_inf_nan=False)
    http_idle_timeout_seconds: float = Field(default=30.0, gt=0, le=3600, allow_inf_nan=False)
    http_request_timeout_seconds: float = Field(default=30.0, gt=0, le=3600, allow_inf_nan=False)
    # Paged replies: slash commands and page buttons one person may send, per process
    # (a minute's worth, after a burst); 0 turns the limit off.
    user_rate_per_minute: int = Field(default=30, ge=0, le=6000)
    user_rate_burst: int = Field(default=10, ge=1, le=1000)

    # New reporting (issue 19): feeds and court filings read against the brief, reviewed in
    # the editors' channel (docs/intake.md).
    source_feeds: Annotated[list[str], NoDecode, AfterValidator(_feed_urls)] = []
    source_feeds_poll_seconds: float = Field(default=900.0, gt=0, le=604_800, allow_inf_nan=False)
    # Seconds between two requests to one host (feeds and pages alike); 0: no pause.
    source_feeds_host_delay_seconds: float = Field(default=1.0, ge=0, le=600, allow_inf_nan=False)
    # Words or phrases an item must carry to be about the case; "IRS+ICE": all of them.
    # Empty: the brief's own names (bot/intake/matching.py, DEFAULT_MATCH).
    source_match: Annotated[list[str], NoDecode, AfterValidator(_match_terms)] = []
    source_fetch_allow_private: bool = False  # fetch from private/loopback addresses (tests)
    source_fetch_timeout_seconds: float = Field(default=20.0, gt=0, le=300, allow_inf_nan=False)
    source_fetch_max_bytes: int = Field(default=8_000_000, ge=10_000, le=50_000_000)
    courtlistener_dockets: Annotated[list[Annotated[int, Field(ge=1, le=10**12)]], NoDecode] = []
    courtlistener_token: SecretStr | None = None
    courtlistener_api_url: str = Field(
        default="https://www.courtlistener.com/api/rest/v4/", pattern=r"^https?://\S+$"
    )
    editors_channel: Annotated[str | None, AfterValidator(_editors_channel)] = None
    editors_lang: Literal["en", "es"] = "en"  # the language of the editors' posts

    @field_validator(
        "slack_admin_user_ids",
        "discord_guild_ids",
        "discord_shard_ids",
        "source_feeds",
        "source_match",
        "courtlistener_dockets",
        mode="before",
    )
    @classmethod
    def _split(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator(*SECRETS, "slack_client_id", mode="before")
    @classmethod
    def _credential(cls, value: object, info: ValidationInfo) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(raw, str):
            if info.field_name == "slack_token_encryption_key":  # "new, old" is a list
                raw = re.sub(r"\s*,\s*", ",", raw) if raw.strip() else raw
            if problem := _credential_problem(raw):
                raise ValueError(problem)
        return value

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _slack_token_shape(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        prefix, kind = _SLACK_TOKEN_KINDS[info.field_name or ""]
        if value is not None and not value.get_secret_value().startswith(prefix):
            msg = f"must be {kind} starting with {prefix}"
            raise ValueError(msg)
        return value

    @property
    def database_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces through OAuth installs; SLACK_BOT_TOKEN takes precedence (one
        workspace).
        """
        return self.slack_bot_token is None and self.slack_client_id is not None

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None or self.slack_oauth

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None

    def secrets(self) -> list[str]:
        """Every credential's value, for the log's masking list (bot/cli adds DATABASE_URL's
        password: settings cannot import storage, which may load a database driver).
        """
        values = [getattr(self, name) for name in SECRETS]
        return [value.get_secret_value() for value in values if value is not None]


class SettingsError(Exception):
    """One readable message per wrong setting, naming the variable; never its value."""


def _oauth_problems(settings: Settings) -> list[str]:
    """One line per missing or malformed OAuth setting (never its value)."""
    problems = []
    if settings.slack_client_id is None:
        problems.append(
            "Invalid setting SLACK_CLIENT_ID: missing; installs to many workspaces need "
            "the app's client ID beside SLACK_CLIENT_SECRET"
        )
    if settings.slack_client_secret is None:
        problems.append(
            "Invalid setting SLACK_CLIENT_SECRET: missing; installs to many workspaces "
            "need the app's client secret"
        )
    if settings.slack_signing_secret is None:
        problems.append(
            "Invalid setting SLACK_SIGNING_SECRET: missing; installs to many workspaces "
            "are served over HTTP, whose requests Slack signs"
        )
    if settings.slack_app_token is not None:
        problems.append(
            "Invalid setting SLACK_APP_TOKEN: installs to many workspaces are served over "
            "HTTP (/slack/install); unset it or use SLACK_BOT_TOKEN for one workspace"
        )
    key = settings.slack_token_encryption_key
    if key is None:
        problems.append(f"Invalid setting SLACK_TOKEN_ENCRYPTION_KEY: missing; {KEY_HINT}")
    else:
        try:
            parse_keys(key.get_secret_value())
        except InvalidKeys as error:
            problems.append(f"Invalid setting SLACK_TOKEN_ENCRYPTION_KEY: {error}; {KEY_HINT}")
    return problems


def _missing(settings: Settings) -> list[str]:
    """Settings that only make sense together."""
    oauth_meant = settings.slack_bot_token is None and bool(
        settings.slack_client_secret or settings.slack_token_encryption_key
    )
    if settings.slack_oauth or oauth_meant:
        return _oauth_problems(settings)
    if settings.slack_bot_token is None and (
        settings.slack_app_token or settings.slack_signing_secret
    ):
        return [
            (
                "Invalid setting SLACK_BOT_TOKEN: missing; Slack needs the bot token (xoxb-...) "
                "beside SLACK_APP_TOKEN or SLACK_SIGNING_SECRET"
            )
        ]
    if settings.slack_bot_token is not None and not (
        settings.slack_app_token or settings.slack_signing_secret
    ):
        return [
            (
                "Invalid setting SLACK_SIGNING_SECRET: missing; set it for HTTP mode, "
                "or set SLACK_APP_TOKEN (xapp-...) for Socket Mode"
            )
        ]
    return []


def _folders(settings: Settings) -> list[str]:
    """Content folders must exist: checked here so a wrong one is named once, not as every
    citation it breaks.
    """
    return [
        f"Invalid setting {name.upper()}: folder {folder} not found"
        for name, folder in (
            ("seeds_dir", settings.seeds_dir),
            ("summaries_dir", settings.summaries_dir),
        )
        if not folder.is_dir()
    ]


def _intake_problems(settings: Settings) -> list[str]:
    """Intake settings that only make sense together."""
    problems = []
    if settings.courtlistener_dockets and settings.courtlistener_token is None:
        problems.append(
            "Invalid setting COURTLISTENER_TOKEN: missing; CourtListener's docket entries "
            "need an API token (courtlistener.com, your profile's API section) beside "
            "COURTLISTENER_DOCKETS"
        )
    channel = settings.editors_channel
    if channel and channel.startswith("slack:") and settings.slack_bot_token is None:
        problems.append(
            "Invalid setting EDITORS_CHANNEL: a Slack channel needs SLACK_BOT_TOKEN (the "
            "workspace the editors work in)"
        )
    if channel and channel.startswith("discord:") and not settings.discord_configured:
        problems.append(
            "Invalid setting EDITORS_CHANNEL: a Discord channel, but Discord is not "
            "configured (DISCORD_TOKEN)"
        )
    return problems


def _source_error(error: SourceError) -> str:
    """pydantic-settings fails before validation when a list/dict setting is not JSON."""
    found = re.search(r'field "(\w+)"', str(error))
    variable = found.group(1).upper() if found else "(settings)"
    cause = f" ({error.__cause__})" if error.__cause__ else ""
    return f"Invalid setting {variable}: not valid JSON{cause}; see config.example.env for its form"


class _LogFormatOnly(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )
    log_format: str = "text"


def log_format_hint() -> str:
    """LOG_FORMAT alone, read as Settings would (environment, .env), so that the error lines
    of settings that fail to load come in the asked form; "text" if even that fails.
    """
    try:
        return "json" if _LogFormatOnly().log_format.strip().lower() == "json" else "text"
    except Exception:  # noqa: BLE001 - any failure: the settings error itself says what
        return "text"


# Any: the overrides reach Settings' typed fields, which pydantic validates.
def load_settings(**overrides: Any) -> Settings:  # noqa: ANN401
    try:
        settings = Settings(**overrides)
    except SourceError as error:
        raise SettingsError(_source_error(error)) from None
    except ValidationError as error:
        lines: dict[str, str] = {}
        for item in error.errors():
            variable = str(item["loc"][0]).upper() if item["loc"] else "(settings)"
            where = " ".join(
                f"entry {part + 1}" if isinstance(part, int) else str(part)
                for part in item["loc"][1:]
            )
            message = item["msg"].removeprefix("Value error, ")
            lines.setdefault(
                variable, f"Invalid setting {variable}: {f'{where}: ' if where else ''}{message}"
            )
        raise SettingsError("\n".join(lines.values())) from None
    if problems := _missing(settings) + _folders(settings) + _intake_problems(settings):
        raise SettingsError("\n".join(problems))
    return settings
