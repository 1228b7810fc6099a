"""The transport contract: what a platform hands to the handlers, and what it gets back."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from bot.domain import Recipient

Content = Literal["text", "sticker", "document", "photo", "contact", "other"]
ChatType = Literal["private", "group"]
FileKind = Literal["document", "photo", "chart", "report"]
# What a file of these kinds holds is what to make (JSON: a summary chart's figures, a
# report's scope and period); the outbox makes it, a photo or a document, when it is sent.
MADE_WHEN_SENT: frozenset[str] = frozenset({"chart", "report"})
Fetch = Callable[[], Awaitable[bytes]]

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, fetched only once the sender may send files.

    `ref` is the platform's id of the file; `fetch` is None when the file is too large to be
    fetched at all (or the platform cannot hand it over).
    """

    file_name: str
    size: int
    fetch: Fetch | None
    ref: str | None = None

    @classmethod
    def of(cls, file_name: str, data: bytes) -> Attachment:
        """An attachment whose bytes are already at hand."""

        async def fetch() -> bytes:
            return data

        return cls(file_name, len(data), fetch)


@dataclass(frozen=True)
class Request:
    """One incoming chat message or button press, platform-neutral."""

    platform: str
    user_id: str
    chat_id: str
    text: str = ""
    message_id: str | None = None
    reply_to_message_id: str | None = None
    content: Content = "text"
    first_name: str = ""
    attachment: Attachment | None = None
    callback: str | None = None
    chat_type: ChatType = "private"
    language: str | None = None
    callback_id: str | None = None
    # A phone number the user shared from their own contact card.
    contact_phone: str | None = None
    # The text of the message replied to, where the platform sends it along.
    reply_to_text: str | None = None

    @property
    def command(self) -> tuple[str, str] | None:
        """("capnhat", "#12 đạt 40%") for "/capnhat@bot #12 đạt 40%"; None for plain text."""
        match = _COMMAND.match(self.text.strip())
        if match is None:
            return None
        return match[1].lower(), (match[2] or "").strip()

    @property
    def source(self) -> str | None:
        """A stable id of the message or button press, so a redelivered one is recorded once."""
        if self.callback_id is not None:
            return f"{self.platform}:button:{self.callback_id}"
        if self.message_id is None:
            return None
        return f"{self.platform}:{self.chat_id}:{self.message_id}"

    def to_json(self) -> dict[str, Any]:
        """The request as JSON for the inbox; an attachment keeps its name, size and ref."""
        data = {k: v for k, v in self.__dict__.items() if k != "attachment"}
        if self.attachment is not None:
            a = self.attachment
            data["attachment"] = {"file_name": a.file_name, "size": a.size, "ref": a.ref}
        return data

    @classmethod
    def from_json(
        cls, data: dict[str, Any], fetcher: Callable[[str], Fetch] | None = None
    ) -> Request:
        """The request stored by `to_json`; `fetcher` turns a file ref back into a download."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        found = fields.pop("attachment", None)
        request = cls(**fields)
        if found is None:
            return request
        ref = found.get("ref")
        fetch = fetcher(ref) if fetcher is not None and ref is not None else None
        return replace(
            request, attachment=Attachment(found["file_name"], found["size"], fetch, ref)
        )


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
    bulk: bool = False
    # Replace this earlier message of the chat (where the platform can edit): its text, or with
    # no text only its buttons (so a pressed button cannot act twice).
    edit_of: str | None = None
    # Ask for the answer as a reply to this message (Telegram's forced reply).
    force_reply: bool = False
    # Offer a button that shares the user's phone number (sign-up).
    ask_contact: bool = False
    # A short notice on the button that was pressed; a Reply with only this is not a message.
    toast: str | None = None
    # What a reply to this message means, when not a progress note ("extend": a date and why).
    expects: str | None = None

    @property
    def is_message(self) -> bool:
        """Whether anything is sent (a toast alone is not)."""
        return bool(self.text or self.files or self.edit_of is not None)


@dataclass(frozen=True)
class Capabilities:
    """What a platform can show, so each Reply is rendered within it."""

    max_text: int
    buttons: bool
    reply_to: bool
    files: bool
    markup: Literal["html", "plain"]
    # Messages per second in all, and the least gap between two bulk messages to one chat.
    rate: float = 29.5
    chat_gap: float = 1.0


@dataclass(frozen=True)
class Piece:
    """One platform message of a rendered Reply: text (with its choices) or a file."""

    text: str | None = None
    buttons: tuple[tuple[str, str], ...] = ()
    file: OutFile | None = None
    edit_of: str | None = None
    force_reply: bool = False
    ask_contact: bool = False


@dataclass(frozen=True)
class Received:
    """An update read from a platform: its unique key there and the request it makes."""

    key: str
    request: Request
    extra: dict[str, Any] = field(default_factory=dict)


class DeliveryError(Exception):
    """A message the chat platform refuses for good (blocked bot, unknown chat, bad request)."""


class FetchError(Exception):
    """A file the platform could not hand over (refused, timed out, gone)."""


class RetryLater(Exception):
    """A message the platform could not take now; try again after `seconds`."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class WebhookRefused(Exception):
    """A webhook request without the right secret: answered 403, nothing stored."""


class Transport(Protocol):
    """One chat platform: reads updates, renders replies within its limits, sends pieces."""

    platform: str
    capabilities: Capabilities

    async def start(self, *, serve: bool = True) -> None:
        """Connect and check the token; to `serve` chats, also publish menus and set up reading."""

    async def stop(self) -> None:
        """Confirm what was read and close connections."""

    async def publish_menus(self, chats: Sequence[tuple[str, str]]) -> None:
        """Give these (chat, role level) pairs their role's command menu, where there are menus."""

    async def use_webhook(self, url: str | None, secret: str) -> None:
        """Register `url` as the webhook (with its secret), or remove it (None) to poll."""

    async def receive(self) -> Sequence[Received]:
        """Wait for updates (a long poll). Calling it again confirms the previous batch."""

    def webhook_updates(
        self, headers: Mapping[str, str], body: bytes, secret: str
    ) -> list[Received]:
        """The updates of one webhook request; WebhookRefused when its secret is wrong."""

    def render(self, reply: Reply) -> list[Piece]:
        """The platform messages that show `reply`, in order."""

    async def send(self, chat_id: str, piece: Piece) -> str | None:
        """Send one piece; its platform message id. DeliveryError or RetryLater on failure."""

    async def answer_button(self, request: Request, text: str | None) -> None:
        """Acknowledge a button press (a short toast where the platform has one)."""

    def fetcher(self, ref: str) -> Fetch:
        """A download of the file with this platform id."""


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long message into pieces of at most `limit` characters, at line breaks if possible."""
    pieces: list[str] = []
    start, end = 0, len(text)
    while end - start > limit:
        cut = text.rfind("\n", start, start + limit)
        if cut <= start:
            cut = start + limit
            # Never split an HTML entity ("&amp;") or a tag across two messages.
            opened = max(text.rfind("&", start, cut), text.rfind("<", start, cut))
            if opened > start and not any(c in text[opened:cut] for c in ";>"):
                cut = opened
        pieces.append(text[start:cut].rstrip("\n"))
        start = cut
        while start < end and text[start] == "\n":
            start += 1
    if start < end or not pieces:
        pieces.append(text[start:])
    return pieces
