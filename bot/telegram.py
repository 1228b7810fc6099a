"""The Telegram transport: python-telegram-bot updates in, Replies out."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import (
    BotCommand,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.directives.readers import MAX_BYTES
from bot.domain import Recipient
from bot.services import Services
from bot.sweep import DeliveryError
from bot.transports import Attachment, Content, Reply, Request, split_text
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
        return person.address_on(PLATFORM)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send `reply` (split at Telegram's 4096-character limit); DeliveryError on failure."""
        if reply.to is not None:
            chat_id = self.address(reply.to) or chat_id
        pieces = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
        keyboard = (
            InlineKeyboardMarkup(
                [[InlineKeyboardButton(t, callback_data=d) for t, d in reply.buttons]]
            )
            if reply.buttons
            else None
        )
        for n, piece in enumerate(pieces):
            message = await self._deliver(
                partial(
                    self._app.bot.send_message,
                    chat_id=int(chat_id),
                    text=piece,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    reply_markup=keyboard if n == len(pieces) - 1 else None,
                )
            )
            store = self._svc.store
            if reply.task_id is not None:
                await store.link_message(PLATFORM, chat_id, message.message_id, reply.task_id)
            if reply.pending_id is not None:
                await store.link_import_message(
                    PLATFORM, chat_id, message.message_id, reply.pending_id
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


async def to_request(update: Update) -> Request | None:
    """The platform-neutral request for a Telegram message or button press."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    query = update.callback_query
    if query is not None:
        await query.answer()
        return Request(
            platform=PLATFORM,
            user_id=str(user.id),
            chat_id=str(chat.id),
            message_id=query.message.message_id if query.message else None,
            callback=query.data or "",
            first_name=user.first_name,
        )
    message = update.message
    if message is None:
        return None
    content: Content = "text"
    attachment = None
    if message.text is None:
        if message.sticker:
            content = "sticker"
        elif message.document:
            content = "document"
            attachment = _attachment(message.document)
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
        attachment=attachment,
    )


def _attachment(document: Document) -> Attachment:
    size = document.file_size or 0
    name = document.file_name or "tep"
    if size > MAX_BYTES:  # never fetched: the handler explains the limit
        return Attachment(name, size, None)

    async def fetch() -> bytes:
        file = await document.get_file()
        return bytes(await file.download_as_bytearray())

    return Attachment(name, size, fetch)


def build_application(
    token: str, api_url: str, svc: Services, admin_chat_id: int | None = None
) -> Application:
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
        request = await to_request(update)
        if request is None:
            return
        for reply in await dispatch(svc, request):
            # What dispatch did is stored; a reply Telegram refuses must not be reported to
            # the user as "nothing was recorded", nor stop the replies after it.
            try:
                await sender.send(request.chat_id, reply)
            except DeliveryError as exc:
                who = reply.to.name if reply.to else request.chat_id
                log.warning("could not send a reply to %s: %s", who, exc)

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
        if admin_chat_id is not None:
            user = update.effective_user if isinstance(update, Update) else None
            text = render("admin_error", svc.locale, error=repr(context.error)[:500], user=user)
            try:
                await sender.send(str(admin_chat_id), Reply(text))
            except DeliveryError:
                log.warning("could not notify the admin chat %s", admin_chat_id)

    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_message))
    app.add_handler(CallbackQueryHandler(on_message))
    app.add_error_handler(on_error)
    return app


async def publish_commands(app: Application) -> None:
    """Set the bot's command menu: Vietnamese by default, English aliases for English clients."""
    await app.bot.set_my_commands([BotCommand(c.name, c.description) for c in COMMANDS])
    await app.bot.set_my_commands(
        [BotCommand(c.alias, c.description) for c in COMMANDS], language_code="en"
    )
