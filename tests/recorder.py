"""A transport that keeps what it is asked to send, for tests of the sweep and the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Literal

from bot.transports import Capabilities, DeliveryError, Piece, Received, Reply, Request, RetryLater
from bot.transports.contract import Fetch

Mode = Literal["ok", "refuse", "later", "cancel"]


class Recorder:
    """Stands in for the Telegram platform; `mode` makes every send fail a chosen way."""

    platform = "telegram"
    capabilities = Capabilities(
        max_text=4096, buttons=True, reply_to=True, files=True, markup="html", rate=10_000
    )

    def __init__(self) -> None:
        self.sent: list[tuple[str, Piece]] = []
        self.mode: Mode = "ok"
        self.files: dict[str, bytes] = {}

    async def start(self, *, serve: bool = True) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def publish_menus(self, chats: Sequence[tuple[str, str]]) -> None:
        """No command menus here."""

    async def use_webhook(self, url: str | None, secret: str) -> None:
        """No webhooks here."""

    def webhook_updates(
        self, headers: Mapping[str, str], body: bytes, secret: str
    ) -> list[Received]:
        """No webhooks here."""
        return []

    async def receive(self) -> list[Received]:
        """Nothing arrives."""
        return []

    def render(self, reply: Reply) -> list[Piece]:
        """One piece per reply."""
        return [Piece(text=reply.text, buttons=reply.buttons)]

    async def send(self, chat_id: str, piece: Piece) -> str | None:
        """Keep the piece, or fail as `mode` says."""
        if self.mode == "refuse":
            raise DeliveryError("Forbidden: bot was blocked by the user")
        if self.mode == "later":
            raise RetryLater("Too Many Requests", 60)
        if self.mode == "cancel":
            raise asyncio.CancelledError
        self.sent.append((chat_id, piece))
        return str(len(self.sent))

    async def answer_button(self, request: Request, text: str | None) -> None:
        """Nothing to answer."""

    def fetcher(self, ref: str) -> Fetch:
        """The bytes put in `files` under this ref."""

        async def fetch() -> bytes:
            return self.files[ref]

        return fetch

    def texts(self) -> list[str]:
        """The text of every piece sent."""
        return [piece.text or "" for _, piece in self.sent]
