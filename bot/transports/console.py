"""The console: the demo's platform, printing each message with a number to reply to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from bot.transports.contract import (
    MADE_WHEN_SENT,
    Capabilities,
    Fetch,
    FetchError,
    Piece,
    Received,
    Reply,
    Request,
)
from bot.transports.plaintext import to_plain

PLATFORM = "console"


class ConsoleTransport:
    """Prints messages as "── tin #5 → name ──"; choices are numbered, files are listed."""

    platform = PLATFORM
    capabilities = Capabilities(
        max_text=1_000_000, buttons=False, reply_to=True, files=False, markup="plain", rate=1000
    )

    def __init__(self, write: Callable[[str], None], names: dict[str, str]) -> None:
        self._write = write
        self._names = names
        self._next_id = 1

    async def start(self, *, serve: bool = True) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to close."""

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
        """The demo loop hands typed lines to the inbox itself."""
        return []

    def render(self, reply: Reply) -> list[Piece]:
        """One piece: the text, the numbered choices, and the names of attached files."""
        if reply.edit_of is not None and not reply.text:
            return []
        lines = [to_plain(reply.text)]
        lines += [f"  [{n}] {label}" for n, (label, _) in enumerate(reply.buttons, 1)]
        if reply.buttons:
            lines.append("  (gõ số để chọn)")
        # A chart or a report is not made for the terminal: its name says what it would be.
        lines += [
            f"  📎 {f.name}"
            + ("" if f.kind in MADE_WHEN_SENT else f" ({len(f.data) // 1024 + 1} KB)")
            for f in reply.files
        ]
        return [Piece(text="\n".join(lines))]

    async def send(self, chat_id: str, piece: Piece) -> str | None:
        """Print the piece under its message number."""
        message_id = self._next_id
        self._next_id += 1
        who = self._names.get(chat_id, "")
        header = f"── tin #{message_id}" + (f" → {who}" if who else "") + " ──"
        self._write(f"{header}\n{piece.text or ''}\n")
        return str(message_id)

    async def answer_button(self, request: Request, text: str | None) -> None:
        """Nothing to acknowledge in a terminal."""

    def fetcher(self, ref: str) -> Fetch:
        """A file in the demo is a path on this machine."""

        def read() -> bytes:
            return Path(ref).expanduser().read_bytes()

        async def fetch() -> bytes:
            try:
                return await asyncio.to_thread(read)
            except OSError as exc:
                raise FetchError(str(exc)) from exc

        return fetch
