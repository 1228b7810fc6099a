"""The composition root: settings → store → services → transports → inbox/outbox → scheduler."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import signal
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import datetime

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.error import InvalidToken, TelegramError

from bot.config import Settings
from bot.reports import drawing, later
from bot.services import Services, utc_now
from bot.sweep import sweep
from bot.transports import Transport
from bot.transports.inbox import InboxWorker
from bot.transports.outbox import OutboxSender, Tally
from bot.transports.telegram import TelegramTransport
from bot.transports.webhook import listen_address, webhook_app
from bot.transports.zalo import ZaloTransport
from bot.transports.zaloapi import ZaloError, ZaloUnauthorized
from handlers import menu
from messages import warm_up
from storage import Store

log = logging.getLogger(__name__)
# The running bot's sweep works a quarter of the time, resting three times as long as each
# batch took: the chat in the same process comes first (a sweep from the command line or a
# benchmark has the process to itself and does not rest).
SWEEP_REST = 3.0


# Connecting at start is tried this often, waiting 1, 2, 4 … seconds in between.
START_ATTEMPTS = 4
START_BACKOFF = 1.0


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
        rules=settings.rules,
        done_needs_head=settings.done_needs_head,
    )


def transports_of(settings: Settings) -> dict[str, Transport]:
    """The chat platforms the settings configure; a clear error when there is none."""
    found: dict[str, Transport] = {}
    if settings.telegram_token is not None and settings.telegram_token.get_secret_value():
        found["telegram"] = TelegramTransport(
            settings.telegram_token.get_secret_value(),
            settings.telegram_api_url,
            poll_timeout=settings.poll_seconds,
            menu=menu,
        )
    if settings.zalo_token is not None and settings.zalo_token.get_secret_value():
        found["zalo"] = ZaloTransport(
            settings.zalo_token,
            settings.zalo_api_url,
            poll_timeout=settings.poll_seconds,
            locale=settings.locale,
        )
    if not found:
        raise ConfigError(
            "Chưa đặt DONDOC_TELEGRAM_TOKEN hay DONDOC_ZALO_TOKEN (biến môi trường hoặc tệp "
            ".env). Không có token? Chạy thử bằng: dondoc demo"
        )
    return found


async def _started(
    stack: AsyncExitStack, transports: dict[str, Transport], *, serve: bool = True
) -> None:
    for transport in transports.values():
        for attempt in range(START_ATTEMPTS):
            try:
                await transport.start(serve=serve)
                break
            except (InvalidToken, ZaloUnauthorized) as exc:
                raise ConfigError(f"Token {transport.platform} bị từ chối: {exc}") from exc
            except (TelegramError, ZaloError, OSError) as exc:
                # A network that is not up yet at boot: wait a little, then say what is wrong.
                if attempt == START_ATTEMPTS - 1:
                    raise ConfigError(
                        f"Không kết nối được máy chủ {transport.platform} ({exc}). Kiểm tra mạng"
                        " và DONDOC_TELEGRAM_API_URL / DONDOC_ZALO_API_URL."
                    ) from exc
                log.warning("%s not reachable (%s); trying again", transport.platform, exc)
                await asyncio.sleep(START_BACKOFF * 2**attempt)
        stack.push_async_callback(transport.stop)


def webhook_of(settings: Settings) -> tuple[str, str, tuple[str, int]]:
    """The public root, the secret and the listen address for webhook mode, checked."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not settings.webhook_url or not secret:
        raise ConfigError(
            "Chế độ webhook cần DONDOC_WEBHOOK_URL (địa chỉ công khai, https://…) "
            "và DONDOC_WEBHOOK_SECRET."
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,256}", secret):
        raise ConfigError(
            "DONDOC_WEBHOOK_SECRET phải dài 8–256 ký tự, chỉ gồm chữ, số, “_” và “-”."
        )
    try:
        return settings.webhook_url.rstrip("/"), secret, listen_address(settings.webhook_listen)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


async def run_bot(
    settings: Settings,
    stop: asyncio.Event | None = None,
    clock: Callable[[], datetime] = utc_now,
    *,
    webhook: bool = False,
) -> None:
    """Serve every configured platform (long polling, or webhooks) and the sweep until `stop`."""
    transports = transports_of(settings)
    hook = webhook_of(settings) if webhook else None
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(Store.open(settings.db))
        stack.callback(drawing.close)
        stack.callback(later.close)
        svc = replace(services(settings, store, clock), platforms=tuple(transports))
        await asyncio.to_thread(warm_up)
        await _started(stack, transports)
        for transport in transports.values():
            await transport.publish_menus(await _role_chats(store, transport.platform))
        _settle_memory(stack)
        outbox = OutboxSender(svc, transports)
        admin = ("telegram", str(settings.admin_chat_id)) if settings.admin_chat_id else None
        inbox = InboxWorker(svc, transports, outbox, admin_chat=admin)
        # The scheduler only holds the repeating sweep; the database decides what is due.
        scheduler = AsyncIOScheduler(timezone=settings.zone)
        sweeping = asyncio.Lock()  # held by a sweep under way, which `stop` ends after a batch
        scheduler.add_job(
            _sweep_job,
            "interval",
            seconds=settings.sweep_seconds,
            args=(svc, outbox, stop, sweeping),
            next_run_time=datetime.now(settings.zone),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        # Updates left unhandled by a crash and messages still owed go first, then new ones.
        workers = [asyncio.create_task(inbox.run(stop)), asyncio.create_task(outbox.run(stop))]
        if hook is None:
            for transport in transports.values():
                await transport.use_webhook(None, "")  # polling gets nothing while one is set
                workers.append(asyncio.create_task(inbox.poll(transport, stop)))
        else:
            root, secret, (host, port) = hook
            runner = web.AppRunner(webhook_app(transports, inbox, secret), access_log=None)
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            await web.TCPSite(runner, host, port).start()
            for transport in transports.values():
                await transport.use_webhook(f"{root}/{transport.platform}", secret)
        scheduler.start()
        mode = "webhook" if hook else "long polling"
        log.info("dondoc: %s, %s (database %s)", ", ".join(transports), mode, settings.db)
        await stop.wait()
        scheduler.shutdown(wait=False)
        await asyncio.gather(*workers, return_exceptions=True)
        async with sweeping:  # the database stays open until the sweep's batch is written
            pass


def _settle_memory(stack: AsyncExitStack) -> None:
    # What start-up made (modules, templates, the platform clients) lives as long as the bot;
    # frozen, the collector's full passes no longer walk it, each of which stalled every
    # answer for a tenth of a second.
    gc.collect()
    gc.freeze()
    stack.callback(gc.unfreeze)


async def _role_chats(store: Store, platform: str) -> list[tuple[str, str]]:
    roles = {o.id: o.role for o in await store.officials() if o.role != "member"}
    return [
        (i.external_id, roles[i.official_id])
        for i in await store.identities()
        if i.platform == platform and i.official_id in roles
    ]


async def _sweep_job(
    svc: Services, outbox: OutboxSender, stop: asyncio.Event, sweeping: asyncio.Lock
) -> None:
    try:
        async with sweeping:
            result = await sweep(svc, stop=stop, rest=SWEEP_REST)
    except Exception:
        log.exception("nudge sweep failed; the next sweep retries")
        return
    if result.owed:
        log.info("nudges: %s owed", result.owed)
        outbox.wake()


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            return


async def nudge_once(settings: Settings, at: datetime | None) -> Tally:
    """One sweep now (or as if at `at`), then deliver what is owed; what was sent."""
    transports = transports_of(settings)
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(Store.open(settings.db))
        svc = replace(services(settings, store), platforms=tuple(transports))
        await _started(stack, transports, serve=False)
        await sweep(svc, at)
        return await OutboxSender(svc, transports).drain()
