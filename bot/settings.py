"""Settings from the environment and ``.env``, validated once in ``main`` and passed in.

Names follow each platform's own conventions (SLACK_BOT_TOKEN, ...). Every setting is
documented in config.example.env.
"""

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. America/New_York)") from None
    return value


# Slack tokens are easy to swap by mistake; their prefixes tell them apart.
_SLACK_TOKEN_KINDS = {"slack_bot_token": ("xoxb-", "a bot token"), "slack_app_token": ("xapp-", "an app-level token")}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False,
        validate_default=True, env_ignore_empty=True,
    )

    # Content
    seeds_dir: Path = ROOT / "seeds"
    summaries_dir: Path = ROOT / "summaries"
    stale_after_days: int = Field(default=30, ge=0, le=3650)
    content_reload_seconds: float = Field(default=5.0, ge=0)  # 0 turns watching off
    log_level: str = Field(default="INFO", pattern=r"(?i)^(DEBUG|INFO|WARNING|ERROR)$")

    # Slack (standard names)
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://")
    slack_admin_user_ids: Annotated[list[str], NoDecode] = []
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port (tests)

    # Discord
    discord_token: SecretStr | None = None
    discord_guild_ids: Annotated[list[int], NoDecode] = []
    discord_api_url: str = Field(default="https://discord.com/api/v10", pattern=r"^https?://")

    # Recaps
    database_url: str = Field(default="sqlite:///case-brief.sqlite3", pattern=r"^(sqlite:///|postgres(ql)?://)")
    recap_grace_minutes: int = Field(default=60, ge=0)
    recap_timezone: Annotated[str, AfterValidator(_timezone)] = "UTC"
    recap_claim_lease_seconds: int = Field(default=600, ge=2)
    recap_concurrency: int = Field(default=50, ge=1, le=1000)
    recaps: list[dict[str, str]] = []  # JSON list declared by operators; see config.example.env
    # Recap pacing: Slack messages per second per workspace, per instance (Slack allows ~1/s per channel).
    recap_slack_workspace_rate: float = Field(default=20.0, gt=0, le=1000)

    @field_validator("slack_admin_user_ids", "discord_guild_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _slack_token_shape(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        prefix, kind = _SLACK_TOKEN_KINDS[info.field_name or ""]
        if value is not None and not value.get_secret_value().startswith(prefix):
            raise ValueError(f"must be {kind} starting with {prefix}")
        return value

    @property
    def database_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None


class SettingsError(Exception):
    """One readable message per wrong setting, naming the variable; never its value."""


def _missing(settings: Settings) -> list[str]:
    """Settings that only make sense together."""
    if settings.slack_bot_token is None and (settings.slack_app_token or settings.slack_signing_secret):
        return ["Invalid setting SLACK_BOT_TOKEN: missing; Slack needs the bot token (xoxb-...) "
                "beside SLACK_APP_TOKEN or SLACK_SIGNING_SECRET"]
    if settings.slack_bot_token is not None and not (settings.slack_app_token or settings.slack_signing_secret):
        return ["Invalid setting SLACK_SIGNING_SECRET: missing; set it for HTTP mode, "
                "or set SLACK_APP_TOKEN (xapp-...) for Socket Mode"]
    return []


def load_settings(**overrides: Any) -> Settings:
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        lines = []
        for item in error.errors():
            variable = str(item["loc"][0]).upper() if item["loc"] else "(settings)"
            message = item["msg"].removeprefix("Value error, ")
            lines.append(f"Invalid setting {variable}: {message}")
        raise SettingsError("\n".join(lines)) from None
    if problems := _missing(settings):
        raise SettingsError("\n".join(problems))
    return settings
