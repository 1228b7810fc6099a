"""The Telegram transport: python-telegram-bot updates in, Replies out."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import BotCommand, LinkPreviewOptions, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.chat import Content, Reply, Request, split_text
from bot.domain import Recipient
from bot.services import Services
from bot.sweep import DeliveryError
from handlers import COMMANDS, dispatch
from messages import render

log = logging.getLogger(__name__)
PLATFORM = "telegram"
_RETRIES = 3


class TelegramSender:
    """Sends Replies as Telegram HTML, retrying network failures; links messages to tasks."""

    def __init__(self, app: Application, svc: Services, *, backoff: float = 0.5) -> None:
        self._app = app
        self._svc = svc
        self._backoff = backoff

    def address(self, person: Recipient) -> str | None:
        """The official's Telegram user id, which is also their private chat's id."""
        return str(person.telegram_id) if person.telegram_id is not None else None

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send `reply` (split at Telegram's 4096-character limit); DeliveryError on failure."""
        for piece in split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH):
            message = await self._deliver(
                partial(
                    self._app.bot.send_message,
                    chat_id=int(chat_id),
                    text=piece,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            )
            if reply.task_id is not None:
                await self._svc.store.link_message(
                    PLATFORM, chat_id, message.message_id, reply.task_id
                )

    async def _deliver(self, call: Callable[[], Awaitable[Message]]) -> Message:
        # The rate limiter already waits out 429s; this covers 5xx answers and timeouts.
        for attempt in range(_RETRIES):
            try:
                return await call()
            except (Forbidden, BadRequest, InvalidToken) as exc:
                raise DeliveryError(str(exc)) from exc
            except NetworkError as exc:
                if attempt == _RETRIES - 1:
                    raise DeliveryError(str(exc)) from exc
                log.warning("Telegram call failed (%s); retrying", exc)
                await asyncio.sleep(self._backoff * 2**attempt)
            except TelegramError as exc:
                raise DeliveryError(str(exc)) from exc
        raise AssertionError("unreachable")


def to_request(update: Update) -> Request | None:
    """The platform-neutral request for a Telegram message update."""
    message, user, chat = update.message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return None
    content: Content = "text"
    if message.text is None:
        if message.sticker:
            content = "sticker"
        elif message.document:
            content = "document"
        elif message.photo:
            content = "photo"
        else:
            content = "other"
    reply_to = message.reply_to_message
    return Request(
        platform=PLATFORM,
        user_id=str(user.id),
        chat_id=str(chat.id),
        text=message.text or message.caption or "",
        message_id=message.message_id,
        reply_to_message_id=reply_to.message_id if reply_to else None,
        content=content,
        first_name=user.first_name,
    )


def build_application(token: str, api_url: str, svc: Services) -> Application:
    """The python-telegram-bot Application for `token`, talking to the Bot API at `api_url`."""
    # PTB 22 warns on every 429 unless retry_after is a timedelta (its future default).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    sender = TelegramSender(app, svc)

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        request = to_request(update)
        if request is None:
            return
        for reply in await dispatch(svc, request):
            await sender.send(request.chat_id, reply)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling %s", update, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await sender.send(
                    str(update.effective_chat.id),
                    Reply(render("error", svc.locale, code="internal")),
                )
            except DeliveryError:
                log.warning("could not tell chat %s about the error", update.effective_chat.id)

    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_message))
    app.add_error_handler(on_error)
    return app


async def publish_commands(app: Application) -> None:
    """Set the bot's command menu: Vietnamese by default, English aliases for English clients."""
    await app.bot.set_my_commands([BotCommand(c.name, c.description) for c in COMMANDS])
    await app.bot.set_my_commands(
        [BotCommand(c.alias, c.description) for c in COMMANDS], language_code="en"
    )
