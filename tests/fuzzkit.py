"""Random Telegram updates for the running bot, and what its answers and logs must not show.

`updates()` makes raw Bot API updates of every kind a chat can send: texts with odd Unicode,
huge texts, commands with random arguments, random ids (23 digits too), button presses with
random data, documents with random bytes and names, stickers, photos, replies to messages
that do not exist, group chats, edited messages, people nobody registered. `fuzz()` feeds
them to the real bot against the fake Bot API and counts crashes, internal text in answers,
answers Telegram refused, and how long the event loop was held up.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import run_bot
from bot.cli import run_cli
from bot.config import Settings
from bot.transports.telegram import TelegramTransport
from storage import Store
from tests.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"
OFFICIALS = [100001, 100002, 100003, 100011, 100012, 100021, 100022, 100071, 100101, 100201]
LEADERS = [100001, 100002, 100003]
# Words no answer may contain: Python, SQL, template or failure text.
INTERNAL = (
    "Traceback",
    "Error(",
    "Exception",
    "NoneType",
    "object at 0x",
    "<class ",
    "sqlite",
    "SELECT ",
    "INSERT ",
    "{{",
    "}}",
    "undefined",
    "dondoc gặp lỗi",
)
COMMANDS = [
    "start",
    "trogiup",
    "help",
    "nhiemvu",
    "tasks",
    "capnhat",
    "update",
    "xong",
    "done",
    "han",
    "deadline",
    "tonghop",
    "summary",
    "khongco",
    "START",
    "a" * 32,
]
ODD = [
    "\u200b",  # zero-width space
    "\u202e",  # right-to-left override
    "\ufeff",
    "\u0301\u0301\u0301",  # combining marks on nothing
    "e\u0301",
    "ﷺ",
    "𝕯𝖔𝖓",
    "👨‍👩‍👧‍👦",
    "🇻🇳",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "<b>",
    "</i>",
    "&amp;",
    "&",
    "<",
    "'; DROP TABLE tasks; --",
    "%s%n",
    "../../etc/passwd",
    "١٢٣",
    "²",
    "Ⅻ",
    "৩",
    "đạt 60%",
    "vướng kinh phí",
    "xong",
    "hạn",
    "30/6/2027",
    "31/02/2027",
    "99/99/9999",
    "ngày mai",
    "tuần sau",
    "#",
    "##1",
    "#-5",
    "#0",
    "#99999999999999999999999",
    "@fake_test_bot",
]


def _number(rng: random.Random) -> str:
    return rng.choice(
        [
            str(rng.randint(0, 30)),
            str(rng.randint(0, 10**9)),
            str(10**22 + rng.randint(0, 10**22)),  # 23 digits
            "-" + str(rng.randint(0, 99)),
            "--5",
            "0" * rng.randint(1, 40),
            "9" * rng.randint(10, 400),
            "1e9",
            "0x1F",
            "١٢",
        ]
    )


def _words(rng: random.Random, count: int) -> str:
    parts = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            parts.append(rng.choice(ODD))
        elif kind < 0.6:
            parts.append("#" + _number(rng))
        elif kind < 0.8:
            parts.append("".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 8))))
        else:
            parts.append(rng.choice(["báo cáo", "tiến độ", "đã", "xong", "dự thảo", "%", "/"]))
    return rng.choice([" ", "", "\n"]).join(parts)


def _text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        args = _words(rng, rng.randint(0, 6))
        suffix = rng.choice(["", "", "@fake_test_bot", "@other_bot"])
        text = f"/{rng.choice(COMMANDS)}{suffix} {args}"
    elif roll < 0.55:
        text = rng.choice(["/capnhat #", "/xong #", "/han #"]) + _number(rng) + " " + _words(rng, 3)
    elif roll < 0.6:
        text = "/han #" + _number(rng) + " " + rng.choice(ODD[24:]) * rng.randint(1, 700)
    elif roll < 0.65:
        text = rng.choice(ODD) * rng.randint(500, 5000)  # huge
    elif roll < 0.7:
        text = rng.choice(["xong ", "", "báo cáo "]) + _number(rng) + rng.choice([" đạt 60%", ""])
    else:
        text = _words(rng, rng.randint(1, 12))
    # The answer may quote the text; what no answer may contain must not come from here.
    for word in INTERNAL:
        text = text.replace(word, "")
    return text or "?"


@dataclass
class Maker:
    """Makes raw updates; message ids are unique per chat, as on Telegram."""

    rng: random.Random
    # Telegram's user ids fit in 52 bits; longer ones test that a forged id is refused.
    user_digits: int = 23
    next_id: int = 10**6

    def user(self) -> dict[str, Any]:
        """Mostly officials, sometimes someone nobody registered (23-digit ids too)."""
        rng = self.rng
        user_id = rng.choice(
            OFFICIALS * 3
            + [
                rng.randint(1, 10**10),
                rng.randint(10 ** (self.user_digits - 1), 10**self.user_digits - 1),
                rng.randint(1, 999),
            ]
        )
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": _words(rng, 1)[:64]}
        if rng.random() < 0.3:
            user["language_code"] = rng.choice(["vi", "en", "zz", ""])
        return user

    def chat(self, user: dict[str, Any]) -> dict[str, Any]:
        """The private chat with the user, or a group now and then."""
        if self.rng.random() < 0.85:
            return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        group = -(10**12) - self.rng.randint(0, 10**6)
        kind = self.rng.choice(["group", "supergroup", "channel"])
        return {"id": group, "type": kind, "title": "Nhóm " + _words(self.rng, 1)[:20]}

    def message(self, user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """A message shell: id, sender, chat, date; sometimes a reply to a random message."""
        self.next_id += 1
        message: dict[str, Any] = {
            "message_id": self.next_id,
            "from": user,
            "chat": chat,
            "date": int(datetime.now(UTC).timestamp()),
        }
        if self.rng.random() < 0.2:
            target = _number(self.rng)
            message["reply_to_message"] = {
                "message_id": int(target) if target.isascii() and target.isdigit() else 1,
                "chat": chat,
                "date": 0,
            }
        return message

    def update(self, fake: FakeBotApi) -> dict[str, Any] | None:
        """One random update (None when it was queued as a document through the fake)."""
        rng = self.rng
        user = self.user()
        chat = self.chat(user)
        message = self.message(user, chat)
        roll = rng.random()
        if roll < 0.55:
            message["text"] = _text(rng)
        elif roll < 0.65:
            data = rng.choice(
                [
                    f"imp:ok:{_number(rng)}",
                    f"imp:no:{_number(rng)}",
                    _words(rng, 2).encode()[:64].decode("utf-8", "ignore"),
                    "",
                ]
            )
            query: dict[str, Any] = {
                "id": str(rng.randint(1, 10**18)),
                "from": user,
                "chat_instance": str(rng.randint(1, 10**9)),
                "data": data,
            }
            if rng.random() < 0.8:
                query["message"] = {k: v for k, v in message.items() if k != "reply_to_message"}
            return {"callback_query": query}
        elif roll < 0.78:
            self._document(fake, user, chat)
            return None
        elif roll < 0.84:
            message["sticker"] = {
                "file_id": "CAAC" + str(rng.randint(0, 10**6)),
                "file_unique_id": "u" + str(rng.randint(0, 10**6)),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        elif roll < 0.9:
            message["photo"] = [
                {"file_id": "AgAC1", "file_unique_id": "p1", "width": 90, "height": 90}
            ]
            if rng.random() < 0.5:
                message["caption"] = _text(rng)
        elif roll < 0.95:
            message["text"] = _text(rng)
            message["edit_date"] = message["date"]
            return {"edited_message": message}
        else:
            message["location"] = {"latitude": 9.56, "longitude": 105.98}
        return {"message": message}

    def _document(self, fake: FakeBotApi, user: dict[str, Any], chat: dict[str, Any]) -> None:
        rng = self.rng
        name = rng.choice(
            ["kh.txt", "kh.docx", "kh.pdf", "kh", ".pdf", "../../x.txt", "báo cáo.DOCX", "a" * 300]
        )
        roll = rng.random()
        if roll < 0.3:
            data = PLAN.read_bytes()[: rng.randint(0, 6000)]
        elif roll < 0.45:
            data = b"%PDF-1.4\n" + rng.randbytes(rng.randint(0, 3000))
        elif roll < 0.6:
            data = b"PK\x03\x04" + rng.randbytes(rng.randint(0, 3000))
        else:
            data = rng.randbytes(rng.randint(0, 20_000))
        fake.set_user(user["id"], first_name=user["first_name"])
        sender = rng.choice(LEADERS) if chat["type"] == "private" else user["id"]
        caption = _text(rng) if rng.random() < 0.3 else None
        fake.add_document(sender, name, data, caption)


@dataclass
class FuzzReport:
    """What a fuzz run found."""

    updates: int = 0
    answers: int = 0
    seconds: float = 0.0
    crashes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    fake_errors: list[str] = field(default_factory=list)
    max_lag: float = 0.0

    @property
    def ok(self) -> bool:
        """0 crashes, 0 internal text, nothing Telegram refused."""
        return not (self.crashes or self.internal or self.refused or self.fake_errors)

    def lines(self) -> list[str]:
        """The figures, one per line, then the first few findings of each kind."""
        kinds = Counter(c.rsplit(" [", 1)[-1].split("(", 1)[0] for c in self.crashes)
        head = [
            f"updates: {self.updates}; answers: {self.answers}; in {self.seconds:.1f} s",
            f"handler crashes and logged errors: {len(self.crashes)} "
            f"({', '.join(f'{k} {v}' for k, v in kinds.most_common()) or 'none'})",
            f"answers with internal text: {len(self.internal)}",
            f"answers Telegram refused: {len(self.refused)}",
            f"longest event-loop stall: {self.max_lag * 1000:.0f} ms",
        ]
        found = [f"  crash: {c}" for c in dict.fromkeys(self.crashes)][:10]
        found += [f"  internal: {t}" for t in self.internal[:10]]
        found += [f"  refused: {t}" for t in dict.fromkeys(self.refused)][:10]
        found += [f"  fake: {t}" for t in self.fake_errors[:10]]
        return head + found


class _Collect(logging.Handler):
    def __init__(self, report: FuzzReport) -> None:
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" [{record.exc_info[1]!r}]"
        if record.levelno >= logging.ERROR:
            self.report.crashes.append(f"{record.name}: {text}"[:400])
        elif "refuses a message" in text:
            self.report.refused.append(text[:400])


@contextlib.contextmanager
def _collecting(report: FuzzReport) -> Iterator[None]:
    handler = _Collect(report)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


@contextlib.asynccontextmanager
async def _lag_meter(report: FuzzReport) -> AsyncIterator[None]:
    async def tick() -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.01)
            report.max_lag = max(report.max_lag, loop.time() - before - 0.01)

    task = asyncio.create_task(tick())
    try:
        yield
    finally:
        task.cancel()


async def fuzz(
    folder: Path, count: int, seed: int, *, batch: int = 50, user_digits: int = 23
) -> FuzzReport:
    """Send `count` random updates to the running bot, in batches; count what went wrong."""
    report = FuzzReport()
    started = time.monotonic()
    # The real Bot API allows about 30 messages a second; the fake has no limit, and at the
    # real pace 10,000 answers would take six minutes.
    fast = replace(TelegramTransport.capabilities, rate=5_000.0)
    saved, TelegramTransport.capabilities = TelegramTransport.capabilities, fast
    try:
        async with FakeBotApi() as fake:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_token="123456:FUZZ",  # type: ignore[arg-type]
                telegram_api_url=fake.url,
                db=folder / "dondoc.db",
                sweep_seconds=3600,
                poll_seconds=1,
            )
            with contextlib.redirect_stdout(io.StringIO()):
                roster = str(EXAMPLES / "roster.csv")
                assert await run_cli(["org", "import", roster], settings) == 0
                assert await run_cli(["directive", "import", str(PLAN), "--yes"], settings) == 0
            maker = Maker(random.Random(seed), user_digits)
            stop = asyncio.Event()
            with _collecting(report):
                bot = asyncio.create_task(run_bot(settings, stop))
                await fake.wait_for_call("getUpdates")
                async with _lag_meter(report):
                    while report.updates < count:
                        for _ in range(min(batch, count - report.updates)):
                            update = maker.update(fake)
                            if update is not None:
                                fake.add_update(update)
                            report.updates += 1
                        await _settled(fake, settings)
                stop.set()
                await asyncio.wait_for(bot, 20)
            report.answers = len(fake.sent)
            report.fake_errors = [repr(e) for e in fake.errors]
            for message in fake.sent:
                if any(word in message.text for word in INTERNAL):
                    report.internal.append(message.text[:300])
    finally:
        TelegramTransport.capabilities = saved
    report.seconds = time.monotonic() - started
    return report


async def _settled(fake: FakeBotApi, settings: Settings, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not fake.pending_updates:
            async with Store.open(settings.db) as store:
                if not await store.unhandled(["telegram"], 1) and not await store.owed_count(
                    ["telegram"]
                ):
                    return
        await asyncio.sleep(0.02)
    raise AssertionError("the bot did not settle")
