"""The terminal demo: the same handlers as Telegram, typed as a chosen official."""

from __future__ import annotations

import asyncio
import html
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, time
from pathlib import Path

from bot.domain import Official, Recipient
from bot.importer import apply_import, plan_import, read_directive_file
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.sweep import sweep
from bot.transports import Attachment, Reply, Request
from handlers import dispatch

PLATFORM = "console"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_TAG = re.compile(r"<[^>]+>")

Read = Callable[[str], Awaitable[str | None]]


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(_TAG.sub("", text))


class ConsoleSender:
    """Prints replies and nudges, numbering messages so they can be replied to (">5 text")."""

    def __init__(self, svc: Services, write: Callable[[str], None]) -> None:
        self._svc = svc
        self._write = write
        self._next_id = 1
        self.names: dict[str, str] = {}

    def address(self, person: Recipient) -> str | None:
        """In the demo every official is reachable, by their official id."""
        self.names[str(person.official_id)] = person.name
        return str(person.official_id)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Print the message with its number and buttons; link it to its task or import."""
        if reply.to is not None:
            chat_id = self.address(reply.to) or chat_id
        message_id = self._next_id
        self._next_id += 1
        who = self.names.get(chat_id, "")
        header = f"── tin #{message_id}" + (f" → {who}" if who else "") + " ──"
        buttons = "".join(f"\n[{label}: gõ /bam {data}]" for label, data in reply.buttons)
        self._write(f"{header}\n{plain(reply.text)}{buttons}\n")
        if reply.task_id is not None:
            await self._svc.store.link_message(PLATFORM, chat_id, message_id, reply.task_id)
        if reply.pending_id is not None:
            await self._svc.store.link_import_message(
                PLATFORM, chat_id, message_id, reply.pending_id
            )


async def load_examples(svc: Services, write: Callable[[str], None]) -> None:
    """Import the sample roster and every sample directive into the demo database."""
    rows = load_roster(EXAMPLES / "roster.csv")
    await import_roster(svc.store, rows)
    for path in sorted((EXAMPLES / "directives").glob("*.txt")):
        plans = await plan_import(svc.store, read_directive_file(path))
        result = await apply_import(svc.store, plans, svc.now())
        tasks = sum(len(p.tasks()) for p in plans)
        write(f"Đã nạp {path.name}: {len(result.added)} văn bản, {tasks} nhiệm vụ.\n")


async def choose(
    officials: list[Official], read: Read, write: Callable[[str], None]
) -> Official | None:
    """Ask which official to act as."""
    for n, person in enumerate(officials, 1):
        write(f"  {n:2}. {person.name} — {person.unit_name} ({person.role})\n")
    while True:
        answer = await read("Chọn cán bộ (số thứ tự): ")
        if answer is None:
            return None
        if answer.strip().isdigit() and 1 <= int(answer) <= len(officials):
            return officials[int(answer) - 1]
        write("Hãy gõ một số trong danh sách.\n")


def typed(text: str, who: str, message_id: int) -> Request:
    """The request for a line typed in the demo: text, ">5 reply", "/bam data" or "/gui file"."""
    quoted = re.match(r"^>(\d+)\s*(.*)$", text, re.DOTALL)
    if quoted:
        return Request(
            PLATFORM, who, who, quoted[2], message_id, reply_to_message_id=int(quoted[1])
        )
    if text.startswith("/bam "):
        return Request(PLATFORM, who, who, message_id=message_id, callback=text[5:].strip())
    if text.startswith("/gui "):
        path = Path(text[5:].strip()).expanduser()
        try:
            data = path.read_bytes()
        except OSError:
            return Request(PLATFORM, who, who, "", message_id, content="other")
        attachment = Attachment.of(path.name, data)
        return Request(
            PLATFORM, who, who, "", message_id, content="document", attachment=attachment
        )
    return Request(PLATFORM, who, who, text, message_id)


HELP = (
    "Gõ lệnh như trong Telegram: /nhiemvu, /capnhat #1 đạt 40%, /xong #1, /tonghop, /trogiup.\n"
    "Trả lời một tin: >SỐ_TIN nội dung. Gửi văn bản: /gui đường/dẫn/tệp. Bấm nút: /bam …\n"
    "Chạy nhắc hạn: /nhac. Đổi người: /doi. Thoát: /thoat.\n"
)


async def chat(svc: Services, read: Read, write: Callable[[str], None]) -> None:
    """The demo conversation loop."""
    sender = ConsoleSender(svc, write)
    officials = await svc.store.officials()
    for person in officials:
        sender.names[str(person.id)] = person.name
    me = await choose(officials, read, write)
    message_id = 0
    while me is not None:
        write(HELP)
        while True:
            line = await read(f"{me.name}> ")
            if line is None or line.strip() in ("/thoat", "/quit"):
                return
            text = line.strip()
            if not text:
                continue
            if text in ("/doi", "/switch"):
                break
            if text in ("/nhac", "/nudge"):
                # As the morning sweep would today, whatever the hour the demo is run at.
                morning = datetime.combine(svc.today(), time(svc.nudge_hour + 1), svc.tz)
                result = await sweep(svc, sender, morning)
                write(f"Nhắc hạn: đã gửi {result.sent} tin.\n")
                continue
            message_id += 1
            request = typed(text, str(me.id), message_id)
            for reply in await dispatch(svc, request):
                await sender.send(str(me.id), reply)
        me = await choose(officials, read, write)


async def stdin_line(prompt: str) -> str | None:
    """A line typed in the terminal; None at end of input."""
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


def temp_db() -> Path:
    """A fresh database file in a temporary folder."""
    return Path(tempfile.mkdtemp(prefix="dondoc-demo-")) / "demo.db"


def stdout_write(text: str) -> None:
    """Write to the terminal and flush, so prompts and replies interleave correctly."""
    sys.stdout.write(text)
    sys.stdout.flush()
