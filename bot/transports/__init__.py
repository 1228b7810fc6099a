"""Chat platforms behind one contract: Telegram, Zalo and the terminal console."""

from bot.transports.contract import (
    Attachment,
    ChatType,
    Content,
    OutFile,
    Reply,
    Request,
    split_text,
)

__all__ = ["Attachment", "ChatType", "Content", "OutFile", "Reply", "Request", "split_text"]
