"""Telegram: python-telegram-bot's Bot reads updates and sends pieces as HTML with keyboards."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType as TgChatType
from telegram.constants import MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.directives.readers import MAX_BYTES
from bot.transports.contract import (
    Attachment,
    Capabilities,
    ChatType,
    Content,
    DeliveryError,
    Fetch,
    FetchError,
    Piece,
    Received,
    Reply,
    Request,
    RetryLater,
    WebhookRefused,
    split_text,
)

log = logging.getLogger(__name__)
PLATFORM = "telegram"
SECRET_HEADER = "x-telegram-bot-api-secret-token"
ALLOWED_UPDATES = ["message", "callback_query"]
# (role level, language) → the menu's (command, description) pairs.
Menu = Callable[[str, str], list[tuple[str, str]]]


class TelegramTransport:
    """The Telegram Bot API through python-telegram-bot, long polling."""

    platform = PLATFORM
    capabilities = Capabilities(
        max_text=MessageLimit.MAX_TEXT_LENGTH,
        buttons=True,
        reply_to=True,
        files=True,
        markup="html",
    )

    def __init__(
        self,
        token: str,
        api_url: str,
        *,
        poll_timeout: int = 30,
        menu: Menu | None = None,
    ) -> None:
        # PTB 22 warns on every 429 unless retry_after is a timedelta (its future default).
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        self.bot = Bot(
            token,
            base_url=f"{api_url}/bot",
            base_file_url=f"{api_url}/file/bot",
            request=HTTPXRequest(connection_pool_size=16),
            get_updates_request=HTTPXRequest(read_timeout=poll_timeout + 10),
        )
        self._poll_timeout = poll_timeout
        self._offset: int | None = None
        self._menu = menu
        self._idle_backoff = 1.0

    async def start(self, *, serve: bool = True) -> None:
        """Check the token; to serve chats, also publish the command menu."""
        await self.bot.initialize()
        if serve and self._menu is not None:
            # Everyone's menu is a member's, in Vietnamese and for English clients in English.
            await self.bot.set_my_commands(_commands(self._menu("member", "vi")))
            await self.bot.set_my_commands(
                _commands(self._menu("member", "en")), language_code="en"
            )

    async def publish_menus(self, chats: Sequence[tuple[str, str]]) -> None:
        """Heads and leaders get their role's menu in their own chat (both languages)."""
        if self._menu is None:
            return
        for chat_id, level in chats:
            if not chat_id.isdigit():
                continue
            scope = BotCommandScopeChat(int(chat_id))
            try:
                await self.bot.set_my_commands(_commands(self._menu(level, "vi")), scope=scope)
                await self.bot.set_my_commands(
                    _commands(self._menu(level, "en")), scope=scope, language_code="en"
                )
            except TelegramError as exc:  # a chat that never opened the bot
                log.info("no menu for chat %s: %s", chat_id, exc)

    async def stop(self) -> None:
        """Confirm the last batch read, so it is not delivered again, and close."""
        if self._offset is not None:
            try:
                await self.bot.get_updates(offset=self._offset, timeout=0, limit=1)
            except TelegramError as exc:
                log.warning("could not confirm the last updates: %s", exc)
        await self.bot.shutdown()

    async def use_webhook(self, url: str | None, secret: str) -> None:
        """Register the webhook with its secret, or drop it so that polling works."""
        if url is None:
            await self.bot.delete_webhook()
            return
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    def webhook_updates(
        self, headers: Mapping[str, str], body: bytes, secret: str
    ) -> list[Received]:
        """The update Telegram posted, once its X-Telegram-Bot-Api-Secret-Token matches."""
        supplied = next((v for k, v in headers.items() if k.lower() == SECRET_HEADER), "")
        if not hmac.compare_digest(supplied.encode(), secret.encode()):
            raise WebhookRefused("wrong secret")
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("unreadable Telegram webhook body: %s", exc)
            return []
        found = self.received(update) if update is not None else None
        return [found] if found is not None else []

    async def receive(self) -> list[Received]:
        """One long poll; asking again confirms the previous batch, which is stored by then."""
        try:
            updates = await self.bot.get_updates(
                offset=self._offset, timeout=self._poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        except TimedOut:
            return []
        except InvalidToken:
            raise
        except TelegramError as exc:
            log.warning("Telegram getUpdates failed (%s); polling again", exc)
            await asyncio.sleep(self._idle_backoff)
            return []
        if updates:
            self._offset = updates[-1].update_id + 1
        found = [self.received(u) for u in updates]
        return [r for r in found if r is not None]

    def received(self, update: Update) -> Received | None:
        """The request an update makes, keyed by message or button press; None to ignore it."""
        request = to_request(update)
        if request is None:
            return None
        if request.callback_id is not None:
            return Received(f"c:{request.callback_id}", request)
        return Received(f"m:{request.chat_id}:{request.message_id}", request)

    def render(self, reply: Reply) -> list[Piece]:
        """HTML text cut at 4,096 characters, the keyboard on the last piece, then the files.

        An edit is one piece: the new text (cut to fit) or, without text, the new buttons only.
        """
        if reply.edit_of is not None:
            text = split_text(reply.text, self.capabilities.max_text)[0] if reply.text else None
            return [Piece(text=text, buttons=reply.buttons, edit_of=reply.edit_of)]
        texts = split_text(reply.text, self.capabilities.max_text) if reply.text else []
        pieces = [Piece(text=t) for t in texts]
        if pieces:
            pieces[-1] = replace(
                pieces[-1],
                buttons=reply.buttons,
                force_reply=reply.force_reply,
                ask_contact=reply.ask_contact,
            )
        return pieces + [Piece(file=f) for f in reply.files]

    async def send(self, chat_id: str, piece: Piece) -> str | None:
        """Send one piece; DeliveryError when Telegram refuses it, RetryLater when it may not."""
        if not chat_id.lstrip("-").isdigit():
            raise DeliveryError(f"not a Telegram chat id: {chat_id!r}")
        try:
            message = await self._call(int(chat_id), piece)
            if not isinstance(message, Message):  # an edit of a message Telegram keeps
                return piece.edit_of
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater("Telegram asks to slow down", seconds) from exc
        except (Forbidden, BadRequest, InvalidToken) as exc:
            raise DeliveryError(str(exc)) from exc
        except NetworkError as exc:  # includes timeouts: the platform may or may not have it
            raise RetryLater(str(exc), 2.0) from exc
        except TelegramError as exc:
            raise DeliveryError(str(exc)) from exc
        return str(message.message_id)

    async def _call(self, chat_id: int, piece: Piece) -> Message | bool:
        if piece.file is not None:
            data = InputFile(piece.file.data, filename=piece.file.name)
            if piece.file.kind == "photo":
                return await self.bot.send_photo(chat_id, data)
            return await self.bot.send_document(chat_id, data)
        if piece.edit_of is not None:
            return await self._edit(chat_id, piece)
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ForceReply | None
        markup = _keyboard(piece.buttons)
        if piece.ask_contact and piece.buttons:
            label = piece.buttons[0][0]
            markup = ReplyKeyboardMarkup(
                [[KeyboardButton(label, request_contact=True)]],
                one_time_keyboard=True,
                resize_keyboard=True,
            )
        elif piece.force_reply:
            markup = ForceReply()
        return await self.bot.send_message(
            chat_id,
            piece.text or "",
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=markup,
        )

    async def _edit(self, chat_id: int, piece: Piece) -> Message | bool:
        assert piece.edit_of is not None
        message_id = int(piece.edit_of)
        try:
            if piece.text is None:
                return await self.bot.edit_message_reply_markup(
                    chat_id, message_id, reply_markup=_keyboard(piece.buttons)
                )
            return await self.bot.edit_message_text(
                piece.text,
                chat_id,
                message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=_keyboard(piece.buttons),
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True  # already as wanted: a second press of a stale button
            raise

    async def answer_button(self, request: Request, text: str | None) -> None:
        """Stop the button's spinner; a press answered late (after a restart) is not an error."""
        if request.callback_id is None:
            return
        try:
            await self.bot.answer_callback_query(request.callback_id, text=text)
        except TelegramError as exc:
            log.info("could not answer a button press: %s", exc)

    def fetcher(self, ref: str) -> Fetch:
        """A download of the file with this Telegram file id."""

        async def fetch() -> bytes:
            try:
                file = await self.bot.get_file(ref)
                return bytes(await file.download_as_bytearray())
            except (TelegramError, OSError) as exc:
                raise FetchError(str(exc)) from exc

        return fetch


def _commands(items: Sequence[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(name, description[:256]) for name, description in items]


def _keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    """Buttons side by side when few, one per row when many."""
    if not buttons:
        return None
    keys = [InlineKeyboardButton(t, callback_data=d) for t, d in buttons]
    rows = [keys] if len(keys) <= 3 else [keys[i : i + 2] for i in range(0, len(keys), 2)]
    return InlineKeyboardMarkup(rows)


def to_request(update: Update) -> Request | None:
    """The platform-neutral request for a Telegram message or button press."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    kind: ChatType = "private" if chat.type == TgChatType.PRIVATE else "group"
    query = update.callback_query
    if query is not None:
        return Request(
            platform=PLATFORM,
            user_id=str(user.id),
            chat_id=str(chat.id),
            message_id=str(query.message.message_id) if query.message else None,
            callback=query.data or "",
            callback_id=query.id,
            first_name=user.first_name,
            chat_type=kind,
            language=user.language_code,
        )
    message = update.message
    if message is None:
        return None
    text = message.text or message.caption or ""
    if kind == "group" and not text.startswith("/"):
        return None  # in groups the bot hears only commands addressed to it
    content: Content = "text"
    attachment = None
    if message.text is None:
        if message.sticker:
            content = "sticker"
        elif message.document:
            content = "document"
            document = message.document
            size = document.file_size or 0
            # Too large to fetch at all: the handler explains the limit.
            ref = document.file_id if size <= MAX_BYTES else None
            attachment = Attachment(document.file_name or "tep", size, None, ref)
        elif message.photo:
            content = "photo"
            photo = message.photo[-1]  # the largest size
            size = photo.file_size or 0
            ref = photo.file_id if size <= MAX_BYTES else None
            attachment = Attachment(f"anh-{message.message_id}.jpg", size, None, ref)
        elif message.contact:
            content = "contact"
        else:
            content = "other"
    reply_to = message.reply_to_message
    return Request(
        platform=PLATFORM,
        user_id=str(user.id),
        chat_id=str(chat.id),
        text=text,
        message_id=str(message.message_id),
        reply_to_message_id=str(reply_to.message_id) if reply_to else None,
        reply_to_text=(reply_to.text or reply_to.caption or "")[:4096] if reply_to else None,
        content=content,
        first_name=user.first_name,
        attachment=attachment,
        chat_type=kind,
        language=user.language_code,
        contact_phone=_own_phone(message, user.id),
    )


def _own_phone(message: Message, user_id: int) -> str | None:
    # Only the sender's own card counts: anyone can forward someone else's contact.
    contact = message.contact
    if contact is None or contact.user_id != user_id:
        return None
    return contact.phone_number
