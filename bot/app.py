"""The composition root: settings → store → services → transport → scheduler."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.services import Services, utc_now
from bot.sweep import Sender, sweep
from bot.telegram import TelegramSender, build_application, publish_commands
from storage import Store

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """Settings that do not allow the requested job."""


def services(settings: Settings, store: Store, clock: Callable[[], datetime] = utc_now) -> Services:
    """The domain services for `settings` over an open store."""
    return Services(
        store=store,
        clock=clock,
        tz=settings.zone,
        locale=settings.locale,
        nudge_days=tuple(settings.nudge_days),
        nudge_hour=settings.nudge_hour,
    )


def token_of(settings: Settings) -> str:
    """The bot token, or a clear error when it is not set."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise ConfigError(
            "DONDOC_TELEGRAM_TOKEN chưa được đặt (biến môi trường hoặc tệp .env). "
            "Không có token? Chạy thử bằng: dondoc demo"
        )
    return settings.telegram_token.get_secret_value()


async def run_bot(
    settings: Settings,
    stop: asyncio.Event | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Run the Telegram bot with long polling and the nudge sweep until `stop` (or SIGINT/SIGTERM)."""
    token = token_of(settings)
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    async with Store.open(settings.db) as store:
        svc = services(settings, store, clock)
        app = build_application(token, settings.telegram_api_url, svc, settings.admin_chat_id)
        sender = TelegramSender(app, svc)
        # The scheduler only holds the repeating sweep; the database decides what is due.
        scheduler = AsyncIOScheduler(timezone=settings.zone)
        scheduler.add_job(
            _sweep_job,
            "interval",
            seconds=settings.sweep_seconds,
            args=(svc, sender),
            next_run_time=datetime.now(settings.zone),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        async with app:
            await publish_commands(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(allowed_updates=["message", "callback_query"])
            scheduler.start()
            log.info("dondoc is running (database %s)", settings.db)
            await stop.wait()
            scheduler.shutdown(wait=False)
            await app.updater.stop()
            await app.stop()


async def _sweep_job(svc: Services, sender: Sender) -> None:
    try:
        result = await sweep(svc, sender)
    except Exception:
        log.exception("nudge sweep failed; the next sweep retries")
        return
    if result.sent or result.failed:
        log.info("nudges: %s sent, %s failed", result.sent, result.failed)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            return


async def nudge_once(settings: Settings, at: datetime | None) -> tuple[int, int]:
    """One sweep now (or as if at `at`) through the configured Bot API; (sent, failed)."""
    token = token_of(settings)
    async with Store.open(settings.db) as store:
        svc = services(settings, store)
        app = build_application(token, settings.telegram_api_url, svc)
        async with app:
            result = await sweep(svc, TelegramSender(app, svc), at)
    return result.sent, result.failed
