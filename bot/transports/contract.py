"""The transport contract: what a platform hands to the handlers, and what it gets back."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.domain import Recipient

Content = Literal["text", "sticker", "document", "photo", "other"]
ChatType = Literal["private", "group"]
FileKind = Literal["document", "photo"]

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, fetched only once the sender may send files.

    `fetch` is None when the file is too large to be fetched at all.
    """

    file_name: str
    size: int
    fetch: Callable[[], Awaitable[bytes]] | None

    @classmethod
    def of(cls, file_name: str, data: bytes) -> Attachment:
        """An attachment whose bytes are already at hand."""

        async def fetch() -> bytes:
            return data

        return cls(file_name, len(data), fetch)


@dataclass(frozen=True)
class Request:
    """One incoming chat message, platform-neutral."""

    platform: str
    user_id: str
    chat_id: str
    text: str = ""
    message_id: int | None = None
    reply_to_message_id: int | None = None
    content: Content = "text"
    first_name: str = ""
    attachment: Attachment | None = None
    callback: str | None = None
    chat_type: ChatType = "private"
    language: str | None = None

    @property
    def command(self) -> tuple[str, str] | None:
        """("capnhat", "#12 đạt 40%") for "/capnhat@bot #12 đạt 40%"; None for plain text."""
        match = _COMMAND.match(self.text.strip())
        if match is None:
            return None
        return match[1].lower(), (match[2] or "").strip()

    @property
    def source(self) -> str | None:
        """A stable id of the message, so a redelivered one is recorded once."""
        if self.message_id is None:
            return None
        return f"{self.platform}:{self.chat_id}:{self.message_id}"


@dataclass(frozen=True)
class OutFile:
    """A file sent with a reply: a report (document) or a chart (photo)."""

    name: str
    data: bytes
    kind: FileKind = "document"


@dataclass(frozen=True)
class Reply:
    """One outgoing message in light markup (<b>, <i>, <code>, escaped text).

    It may be about a task or an import (a reply to it then acts on that), offer choices
    (label, data) that each transport shows as buttons or numbered answers, and carry files.
    `to` sends it to another official instead of the chat the request came from.
    """

    text: str
    task_id: int | None = None
    pending_id: int | None = None
    buttons: tuple[tuple[str, str], ...] = ()
    to: Recipient | None = None
    files: tuple[OutFile, ...] = ()


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long message into pieces of at most `limit` characters, at line breaks if possible."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
            # Never split an HTML entity ("&amp;") or a tag across two messages.
            opened = max(rest.rfind("&", 0, cut), rest.rfind("<", 0, cut))
            if opened > 0 and not any(c in rest[opened:cut] for c in ";>"):
                cut = opened
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    if rest or not pieces:
        pieces.append(rest)
    return pieces
