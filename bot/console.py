"""The terminal demo: the same handlers as Telegram, typed as a chosen official."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path

from bot.domain import Official
from bot.importer import apply_import, plan_import, read_directive_file
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.sweep import sweep
from bot.transports import Attachment, Received, Request, Transport
from bot.transports.console import PLATFORM, ConsoleTransport
from bot.transports.inbox import InboxWorker
from bot.transports.outbox import OutboxSender

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

Read = Callable[[str], Awaitable[str | None]]


async def load_examples(svc: Services, write: Callable[[str], None]) -> None:
    """Import the sample roster and every sample directive into the demo database."""
    rows = load_roster(EXAMPLES / "roster.csv")
    await import_roster(svc.store, rows)
    for path in sorted((EXAMPLES / "directives").glob("*.txt")):
        plans = await plan_import(svc.store, read_directive_file(path))
        result = await apply_import(svc.store, plans, svc.now())
        tasks = sum(len(p.tasks()) for p in plans)
        write(f"Đã nạp {path.name}: {len(result.added)} văn bản, {tasks} nhiệm vụ.\n")


STRANGER = "0"  # the demo's unregistered person


async def choose(officials: list[Official], read: Read, write: Callable[[str], None]) -> str | None:
    """Ask whom to act as: an official of the roster, or someone not on it; their user id."""
    write("   0. Một người chưa có trong danh sách (chưa đăng ký)\n")
    for n, person in enumerate(officials, 1):
        write(f"  {n:2}. {person.name} — {person.unit_name} ({person.role})\n")
    while True:
        answer = await read("Chọn người dùng (số thứ tự, /thoat để thoát): ")
        if answer is None or answer.strip() in ("/thoat", "/quit"):
            return None
        if answer.strip() == "0":
            return STRANGER
        if answer.strip().isdigit() and 1 <= int(answer) <= len(officials):
            return str(officials[int(answer) - 1].id)
        write("Hãy gõ một số trong danh sách.\n")


def typed(text: str, who: str, message_id: str) -> Request:
    """The request for a line typed in the demo: text, ">5 reply", "/bam data" or "/gui file"."""
    quoted = re.match(r"^>(\d+)\s*(.*)$", text, re.DOTALL)
    if quoted:
        return Request(PLATFORM, who, who, quoted[2], message_id, reply_to_message_id=quoted[1])
    if text.startswith("/bam "):
        return Request(PLATFORM, who, who, message_id=message_id, callback=text[5:].strip())
    if text.startswith("/gui "):
        path = Path(text[5:].strip()).expanduser()
        if not path.is_file():
            return Request(PLATFORM, who, who, "", message_id, content="other")
        size = path.stat().st_size
        attachment = Attachment(path.name, size, None, ref=str(path))
        return Request(
            PLATFORM, who, who, "", message_id, content="document", attachment=attachment
        )
    return Request(PLATFORM, who, who, text, message_id)


HELP = (
    "Gõ lệnh như trong Telegram: /nhiemvu, /capnhat #1 đạt 40%, /xong #1, /tonghop, /trogiup.\n"
    "Trả lời một tin: >SỐ_TIN nội dung. Gửi văn bản: /gui đường/dẫn/tệp. Chọn: gõ số.\n"
    "Chạy nhắc hạn: /nhac. Đổi người: /doi. Thoát: /thoat.\n"
)


async def chat(svc: Services, read: Read, write: Callable[[str], None]) -> None:
    """The demo conversation loop, through the same inbox and outbox as the real bot."""
    svc = replace(svc, platforms=(PLATFORM,))
    officials = await svc.store.officials()
    names = {str(person.id): person.name for person in officials}
    transport = ConsoleTransport(write, names)
    transports: dict[str, Transport] = {PLATFORM: transport}
    outbox = OutboxSender(svc, transports)
    inbox = InboxWorker(svc, transports, outbox)
    session = uuid.uuid4().hex[:8]  # message ids of this run, unlike any stored before
    me = await choose(officials, read, write)
    typed_count = 0
    while me is not None:
        write(HELP)
        while True:
            line = await read(f"{names.get(me, 'Khách')}> ")
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
                await sweep(svc, morning)
                tally = await outbox.drain()
                write(f"Nhắc hạn: đã gửi {tally.sent} tin.\n")
                continue
            typed_count += 1
            request = typed(text, me, f"{session}-{typed_count}")
            await inbox.store_batch(PLATFORM, [Received(f"m:{request.message_id}", request)])
            await inbox.handle_stored()
            await inbox.settle()
            await outbox.drain()
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
