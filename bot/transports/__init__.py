"""Chat platforms behind one contract: Telegram, Zalo and the terminal console."""

from bot.transports.contract import (
    Attachment,
    Capabilities,
    ChatType,
    Content,
    DeliveryError,
    FetchError,
    OutFile,
    Piece,
    Received,
    Reply,
    Request,
    RetryLater,
    Transport,
    WebhookRefused,
    split_text,
)

__all__ = [
    "Attachment",
    "Capabilities",
    "ChatType",
    "Content",
    "DeliveryError",
    "FetchError",
    "OutFile",
    "Piece",
    "Received",
    "Reply",
    "Request",
    "RetryLater",
    "Transport",
    "WebhookRefused",
    "split_text",
]
