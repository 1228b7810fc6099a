"""Settings: one validated model, read from the environment and a .env file."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.followup.rules import Rules
from storage.dburl import database_of


class Settings(BaseSettings):
    """dondoc's settings (environment variables DONDOC_*)."""

    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    zalo_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    # The bot's @username, for the t.me links `dondoc org invite` prints.
    telegram_bot_username: str | None = None
    # A SQLite file (a path or sqlite:///path) or a postgresql://user@host:port/name URL.
    db: Path | str = Path("dondoc.db")
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
    done_needs_head: bool = False
    # The follow-up engine (counts are Vietnamese working days).
    work_start: time = time(7, 30)
    work_end: time = time(17, 0)
    report_grace_days: int = Field(default=1, ge=0, le=30)
    checkin_days: int = Field(default=10, ge=1, le=250)
    overdue_every: int = Field(default=3, ge=1, le=60)
    escalate_head_after: int = Field(default=5, ge=1, le=250)
    escalate_leader_after: int = Field(default=10, ge=1, le=250)
    digest_weekday: int | None = Field(default=0, ge=0, le=6)
    digest_hour: int = Field(default=8, ge=0, le=23)

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("db")
    @classmethod
    def _database(cls, value: Path | str) -> Path | str:
        return database_of(value)

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def rules(self) -> Rules:
        """The follow-up rules these settings describe."""
        return Rules(
            work_start=self.work_start,
            work_end=self.work_end,
            report_grace_days=self.report_grace_days,
            checkin_days=self.checkin_days,
            overdue_every=self.overdue_every,
            escalate_head_after=self.escalate_head_after,
            escalate_leader_after=self.escalate_leader_after,
            digest_weekday=self.digest_weekday,
            digest_hour=self.digest_hour,
        )

    @property
    def zone(self) -> ZoneInfo:
        """The officials' time zone."""
        return ZoneInfo(self.tz)
