"""Settings: one validated model, read from the environment and a .env file."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """dondoc's settings (environment variables DONDOC_*)."""

    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    zalo_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    # The bot's @username, for the t.me links `dondoc org invite` prints.
    telegram_bot_username: str | None = None
    db: Path = Path("dondoc.db")
    tz: str = "Asia/Ho_Chi_Minh"
    locale: str = "vi"
    nudge_days: list[int] = Field(default_factory=lambda: [7, 3, 1])
    nudge_hour: int = Field(default=8, ge=0, le=23)
    sweep_seconds: int = Field(default=60, ge=1)
    poll_seconds: int = Field(default=30, ge=0, le=50)
    webhook_listen: str = "127.0.0.1:8080"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    admin_chat_id: int | None = None

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def zone(self) -> ZoneInfo:
        """The officials' time zone."""
        return ZoneInfo(self.tz)
