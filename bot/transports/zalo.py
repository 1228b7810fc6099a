"""Zalo: the Zalo Bot API, plain text within 2,000 characters, choices as numbered answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from pydantic import SecretStr

from bot.transports.contract import (
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
)
from bot.transports.plaintext import ZALO_LIMIT, render_plain
from bot.transports.zaloapi import (
    ZaloApiError,
    ZaloBotApi,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloUnauthorized,
    ZaloUpdate,
    read_webhook,
)
from messages import render

log = logging.getLogger(__name__)
PLATFORM = "zalo"
# A spent monthly quota answers 429 without a wait; look again in an hour.
QUOTA_WAIT = 3600.0
_CONTENT: dict[str, Content] = {
    "message.text.received": "text",
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.unsupported.received": "document",
}


class ZaloTransport:
    """The Zalo Bot Platform, long polling one update at a time."""

    platform = PLATFORM
    # No buttons, no replies to a message, no files received: numbered choices and keywords.
    capabilities = Capabilities(
        max_text=ZALO_LIMIT, buttons=False, reply_to=False, files=False, markup="plain", rate=10
    )

    def __init__(
        self, token: SecretStr, api_url: str, *, poll_timeout: int = 30, locale: str = "vi"
    ) -> None:
        self.api = ZaloBotApi(token, root=api_url)
        self._poll_timeout = poll_timeout
        self._locale = locale

    async def start(self, *, serve: bool = True) -> None:
        """Check the token, and learn the bot's id to drop its echoes."""
        await self.api.get_me()

    async def publish_menus(self, chats: Sequence[tuple[str, str]]) -> None:
        """No command menus here."""

    async def use_webhook(self, url: str | None, secret: str) -> None:
        """Register the webhook, or delete it: Zalo's polling stops silently while one is set."""
        if url is None:
            await self.api.delete_webhook()
            return
        info = await self.api.set_webhook(url, secret)
        if info.verification:
            log.warning("Zalo webhook check for %s: %s", url, info.verification)

    def webhook_updates(
        self, headers: Mapping[str, str], body: bytes, secret: str
    ) -> list[Received]:
        """The update Zalo posted (wrapped or flat), once its X-Bot-Api-Secret-Token matches."""
        try:
            update = read_webhook(headers, body, secret, self.api.bot_id)
        except ZaloForbidden as exc:
            raise WebhookRefused("wrong secret") from exc
        found = self.received(update) if update is not None else None
        return [found] if found is not None else []

    async def stop(self) -> None:
        """Close the connection (Zalo has nothing to confirm)."""
        await self.api.aclose()

    async def receive(self) -> list[Received]:
        """One long poll: at most one update, never redelivered, so it is stored at once."""
        try:
            update = await self.api.get_updates(timeout=self._poll_timeout)
        except ZaloUnauthorized:
            raise
        except ZaloError as exc:
            log.warning("Zalo getUpdates failed (%s); polling again", exc)
            await asyncio.sleep(1.0)
            return []
        found = self.received(update) if update is not None else None
        return [found] if found is not None else []

    def received(self, update: ZaloUpdate) -> Received | None:
        """The request an update makes, keyed by its message id; None for the bot's own echo."""
        if update.is_echo or not update.message_id:
            return None
        kind: ChatType = "group" if update.group else "private"
        content = _CONTENT.get(update.event, "other")
        if kind == "group" and not update.text.startswith("/"):
            return None  # in groups the bot hears only commands
        request = Request(
            platform=PLATFORM,
            user_id=update.user_id,
            chat_id=update.chat_id,
            text=update.text if content == "text" else "",
            message_id=update.message_id,
            content=content,
            first_name=update.display_name,
            chat_type=kind,
        )
        return Received(f"m:{update.message_id}", request)

    def render(self, reply: Reply) -> list[Piece]:
        """Plain text in pieces under 2,000 characters, the choices numbered in the last."""
        if reply.edit_of is not None and not reply.text:
            return []  # no buttons to take back: a stale number is refused by its handler
        labels = [label for label, _ in reply.buttons]
        text = reply.text
        if reply.files:
            names = [f.name for f in reply.files]
            text += "\n\n" + render("file_elsewhere", self._locale, names=names)
        return [Piece(text=t) for t in render_plain(text, labels, self._locale)]

    async def send(self, chat_id: str, piece: Piece) -> str | None:
        """Send one text piece; a spent quota or 429 waits, a refusal is final."""
        try:
            sent = await self.api.send_message(chat_id, piece.text or "")
        except ZaloRateLimited as exc:
            wait = QUOTA_WAIT if exc.quota_exhausted else float(exc.retry_after or 5)
            raise RetryLater("Zalo asks to slow down", wait) from exc
        except ZaloNetworkError as exc:
            raise RetryLater(str(exc), 2.0) from exc
        except (ZaloUnauthorized, ZaloForbidden) as exc:
            raise DeliveryError(str(exc)) from exc
        except ZaloApiError as exc:
            if exc.error_code is not None and exc.error_code >= 500:
                raise RetryLater(str(exc), 5.0) from exc
            raise DeliveryError(str(exc)) from exc
        return sent.message_id or None

    async def answer_button(self, request: Request, text: str | None) -> None:
        """Zalo has no buttons to answer."""

    def fetcher(self, ref: str) -> Fetch:
        """Zalo does not hand files to bots."""

        async def fetch() -> bytes:
            raise FetchError("Zalo không chuyển tệp cho bot")

        return fetch
