"""Kill `dondoc run` at random moments against the fake Bot API, then count what was lost.

The harness hosts the fake Bot API in its own event loop and runs the bot as a separate
process (`python -m bot run`), so a SIGKILL is a real crash: nothing is flushed, no handler
finishes. Officials send progress notes all along, also while the bot is down; a leader
imports directives in chat; `dondoc nudge --at …` sweeps owe nudges. At the end the bot runs
until nothing is owed, and every note and every owed message is counted:

* a note is *stored* once (by its unique marker, in the database) and *answered* (the
  answer quotes the marker);
* every outbox row (answers, nudges, announcements) reached its chat once, or twice (the
  one window: the platform accepted it, the process died before recording it);
* every nudge recorded as owed has its outbox row, every confirmed import its
  announcements.

The database is only read here, except in `fast_forward_leases`, which ages the leases of a
killed sender as if the bot had stayed down for a minute (the CI test cannot wait that long).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli import run_cli
from bot.config import Settings
from bot.nudges import slots
from bot.transports.contract import split_text
from tests.fakebotapi import FakeBotApi, SentMessage

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster.csv"
PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"
TOKEN = "123456:FAULTS"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LEADER = 100002  # Nguyễn Minh Trí: imports directives in chat
# What an answer may never contain: Python, SQL or the generic failure apology.
INTERNAL = ("Traceback", "Error(", "Exception", "sqlite", "SELECT ", "INSERT ", "dondoc gặp lỗi")


def _ro(db: Path) -> sqlite3.Connection:
    # Opened in a thread while the bot runs: after a kill, SQLite's recovery of the WAL may
    # hold the file for a moment, and the fake Bot API in this event loop must keep serving.
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)


@dataclass
class Note:
    """A progress note an official sent, found again by its marker."""

    marker: str
    chat: int
    task_id: int
    # Sent as a reply to this nudge (its text, its message id) rather than as /capnhat.
    nudge: tuple[str, int] | None = None


@dataclass
class Report:
    """What a fault run counted."""

    kills: int = 0
    kills_by_moment: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    notes: int = 0
    notes_backlog: int = 0
    notes_lost: int = 0
    notes_stored_twice: int = 0
    notes_unanswered: int = 0
    notes_answered_twice: int = 0
    # Stored by a process that died before it owed the answer, then handled again: the
    # official hears "recorded before" instead of "recorded".
    notes_answered_as_repeat: int = 0
    replies: int = 0
    # Replies to the first copy of a message sent twice: that copy was never linked to its task.
    replies_to_unlinked: int = 0
    owed: Counter[str] = field(default_factory=Counter)
    owed_lost: Counter[str] = field(default_factory=Counter)
    owed_twice: Counter[str] = field(default_factory=Counter)
    owed_unsent_rows: int = 0
    nudges_without_row: int = 0
    imports_confirmed: int = 0
    announcements_missing: int = 0
    internal_answers: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    # For each message sent twice: how long before a kill the platform had accepted it (the
    # window), and how long after that kill it went out again (the lease running out).
    window_ms: list[float] = field(default_factory=list)
    resent_after_s: list[float] = field(default_factory=list)
    # The widest windows: (ms, kind of message, moment of the kill).
    widest: list[tuple[float, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The targets: nothing lost, no note stored twice, no failure seen by anyone."""
        return not (
            self.notes_lost
            or self.notes_stored_twice
            or self.notes_unanswered
            or sum(self.owed_lost.values())
            or self.owed_unsent_rows
            or self.nudges_without_row
            or self.announcements_missing
            or self.internal_answers
            or self.log_errors
        )

    def lines(self) -> list[str]:
        """The figures, one per line."""
        moments = ", ".join(f"{k} {v}" for k, v in sorted(self.kills_by_moment.items()))
        owed = ", ".join(f"{k} {v}" for k, v in sorted(self.owed.items()))
        twice = ", ".join(f"{k} {v}" for k, v in sorted(self.owed_twice.items())) or "none"
        return [
            f"kills: {self.kills} ({moments}) in {self.seconds:.0f} s",
            f"notes sent: {self.notes} ({self.notes_backlog} queued while the bot was down)",
            f"notes lost: {self.notes_lost}; stored twice: {self.notes_stored_twice}",
            f"notes unanswered: {self.notes_unanswered}; answered twice: "
            f"{self.notes_answered_twice}; answered only as already recorded: "
            f"{self.notes_answered_as_repeat}",
            f"notes sent as replies to nudges: {self.replies}; to a copy sent in the window, "
            f"so not linked to its task: {self.replies_to_unlinked}",
            f"owed messages: {sum(self.owed.values())} ({owed})",
            f"owed messages lost: {sum(self.owed_lost.values())}; rows never sent: "
            f"{self.owed_unsent_rows}; nudges owed without a row: {self.nudges_without_row}",
            f"owed messages sent twice: {sum(self.owed_twice.values())} ({twice})",
            f"window (accepted before the kill): {_spread(self.window_ms, 'ms')}; "
            f"sent again after {_spread(self.resent_after_s, 's')}",
            f"imports confirmed: {self.imports_confirmed}; announcements missing: "
            f"{self.announcements_missing}",
            f"internal text in answers: {len(self.internal_answers)}; errors in the bot's logs: "
            f"{len(self.log_errors)}",
        ]


class FaultRun:
    """One database, one fake Bot API, and a bot process that is started and killed."""

    def __init__(
        self,
        folder: Path,
        fake: FakeBotApi,
        seed: int,
        *,
        note_gap: float = 0.08,
        backlog: tuple[int, int] = (20, 60),
    ) -> None:
        self.folder = folder
        self.fake = fake
        self.rng = random.Random(seed)
        self.db = folder / "dondoc.db"
        self.note_gap = note_gap
        self.backlog = backlog
        self.notes: list[Note] = []
        self.report = Report()
        self._bot: asyncio.subprocess.Process | None = None
        self._logs: list[Path] = []
        self._targets: list[tuple[int, list[int]]] = []
        self._imports = 0
        self._sweep_moments: list[datetime] = []
        self._producing = False
        self._producer: asyncio.Task[None] | None = None
        self._round: list[Callable[[], Awaitable[None]]] = []
        self._stamps: list[float] = []  # when each message of fake.sent arrived
        self._kills: list[float] = []
        self._moments: list[str] = []
        self._stamper: asyncio.Task[None] | None = None
        self._spawned: list[asyncio.subprocess.Process] = []
        self._started = time.monotonic()

    # -- set-up -----------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings the bot process gets from its environment."""
        return Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token=TOKEN,  # type: ignore[arg-type]
            telegram_api_url=self.fake.url,
            db=self.db,
        )

    async def prepare(self) -> None:
        """The sample roster and plan, imported by the command line; who may note what."""
        with contextlib.redirect_stdout(io.StringIO()):
            assert await run_cli(["org", "import", str(ROSTER)], self.settings()) == 0
            assert await run_cli(["directive", "import", str(PLAN), "--yes"], self.settings()) == 0
        with contextlib.closing(_ro(self.db)) as db:
            rows = db.execute(
                "SELECT i.external_id, t.id, t.deadline FROM identities i"
                " JOIN officials o ON o.id = i.official_id"
                " JOIN tasks t ON t.unit_id = o.unit_id WHERE i.platform = 'telegram'"
            ).fetchall()
        by_chat: dict[int, list[int]] = {}
        deadlines: set[date] = set()
        for chat, task_id, deadline in rows:
            by_chat.setdefault(int(chat), []).append(int(task_id))
            if deadline:
                deadlines.add(date.fromisoformat(deadline))
        self._targets = sorted(by_chat.items())
        # Sweeps run "as if at" each nudge moment of the plan, a few minutes after it.
        moments = {s.due_at for d in deadlines for s in slots(d, (7, 3, 1), 8, TZ)}
        self._sweep_moments = [m + timedelta(minutes=5) for m in sorted(moments)]

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
        env.update(
            DONDOC_TELEGRAM_TOKEN=TOKEN,
            DONDOC_TELEGRAM_API_URL=self.fake.url,
            DONDOC_DB=str(self.db),
            DONDOC_SWEEP_SECONDS="1",
            DONDOC_POLL_SECONDS="2",
            PTB_TIMEDELTA="1",
            PYTHONPATH=str(ROOT),
        )
        return env

    async def _spawn(self, *argv: str) -> asyncio.subprocess.Process:
        log = self.folder / f"bot-{len(self._logs):03d}-{argv[0]}.log"
        self._logs.append(log)
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                *argv,
                env=self._env(),
                cwd=self.folder,  # no .env of the repository is read
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        self._spawned.append(process)
        return process

    async def cleanup(self) -> None:
        """Kill whatever process is still running (after a failure of the harness)."""
        for process in self._spawned:
            if process.returncode is None:
                process.kill()
                await process.wait()
        self._bot = None

    # -- the bot process ----------------------------------------------------------

    async def start(self) -> None:
        """Start `dondoc run`; returns once it polls."""
        assert self._bot is None
        polls = len(self.fake.calls_to("getUpdates"))
        self._bot = await self._spawn("run")
        await self._until(lambda: len(self.fake.calls_to("getUpdates")) > polls, 20)

    async def kill(self, moment: str) -> None:
        """SIGKILL the bot: a crash at `moment`."""
        assert self._bot is not None
        self._bot.send_signal(signal.SIGKILL)
        self._kills.append(time.monotonic())
        self._moments.append(moment)
        await self._bot.wait()
        self._bot = None
        self.report.kills += 1
        self.report.kills_by_moment[moment] += 1

    async def stop(self) -> None:
        """Stop the bot the polite way (SIGTERM), as an operator would."""
        if self._bot is None:
            return
        self._bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self._bot.wait(), 20)
        self._bot = None

    # -- officials ----------------------------------------------------------------

    def send_note(self) -> Note:
        """One official sends `/capnhat #N …` with a marker of its own, or replies to a nudge."""
        chat, tasks = self.rng.choice(self._targets)
        marker = f"mk{len(self.notes):05d}x"
        # People reply to what they have read: a nudge that arrived a second ago or more.
        now, sent = time.monotonic(), self.fake.sent
        nudges = [
            sent[n]
            for n, at in enumerate(self._stamps)
            if now - at > 1.0
            and sent[n].chat_id == chat
            and _is_nudge(sent[n].text)
            # A nudge listing several tasks asks which one a reply is about (a tap this
            # harness does not make); people reply straight to a nudge about one task.
            and sent[n].text.count("<b>#") == 1
        ]
        if nudges and self.rng.random() < 0.3:
            nudge = self.rng.choice(nudges)
            task_id = int(nudge.text.split("<b>#", 1)[1].split("<", 1)[0])
            note = Note(marker, chat, task_id, (nudge.text, nudge.message_id))
            self.fake.add_text(chat, f"tiến độ {marker}", reply_to=nudge.message_id)
        else:
            note = Note(marker, chat, self.rng.choice(tasks))
            self.fake.add_text(chat, f"/capnhat #{note.task_id} tiến độ {marker}")
        self.notes.append(note)
        self.report.notes += 1
        if self._bot is None:
            self.report.notes_backlog += 1
        return note

    def produce(self) -> None:
        """Notes keep coming, one every `note_gap` seconds on average, until `finish`."""
        self._producing = True

        async def stamp() -> None:
            while True:
                while len(self._stamps) < len(self.fake.sent):
                    self._stamps.append(time.monotonic())
                await asyncio.sleep(0.001)

        self._stamper = asyncio.create_task(stamp())

        async def loop() -> None:
            while self._producing:
                self.send_note()
                await asyncio.sleep(self.rng.expovariate(1 / self.note_gap))

        self._producer = asyncio.create_task(loop())

    # -- the moments of a kill ----------------------------------------------------

    async def kill_in_stream(self) -> None:
        """A kill at a random moment while notes stream in."""
        await self.start()
        await asyncio.sleep(self.rng.uniform(0.1, 1.5))
        await self.kill("stream")

    async def kill_with_backlog(self) -> None:
        """Notes queued while the bot is down; the kill comes with the first answer."""
        for _ in range(self.rng.randint(*self.backlog)):
            self.send_note()
        sent = len(self.fake.sent)
        await self.start()
        await self._until(lambda: len(self.fake.sent) > sent, 10)
        await asyncio.sleep(self.rng.uniform(0, 0.05))
        await self.kill("backlog")

    async def kill_in_sweep(self) -> None:
        """`dondoc nudge --at …` killed while it sends, then `run` killed while it drains."""
        at = self._sweep_moments.pop(0) if self._sweep_moments else None
        if at is None:
            return await self.kill_in_stream()
        nudges = self._nudges_sent()
        sweep = await self._spawn("nudge", "--at", at.isoformat())
        enough = nudges + self.rng.randint(1, 6)
        with contextlib.suppress(TimeoutError):
            await self._until(
                lambda: sweep.returncode is not None or self._nudges_sent() >= enough, 10
            )
        if sweep.returncode is None:
            sweep.send_signal(signal.SIGKILL)
            self._kills.append(time.monotonic())
            self._moments.append("sweep")
            self.report.kills += 1
            self.report.kills_by_moment["sweep"] += 1
        await sweep.wait()
        nudges = self._nudges_sent()
        await self.start()
        if await asyncio.to_thread(self._owed_bulk):
            with contextlib.suppress(TimeoutError):
                await self._until(lambda: self._nudges_sent() > nudges, 3)
        await asyncio.sleep(self.rng.uniform(0, 0.3))
        await self.kill("nudge drain")
        return None

    async def kill_in_import(self) -> None:
        """A leader sends a directive and presses ✅; the kill comes as units are told."""
        await self.start()
        self._imports += 1
        text = PLAN.read_text("utf-8").replace("412/KH-UBND", f"{600 + self._imports}/KH-UBND")
        before = len(self.fake.messages_to(LEADER))
        self.fake.add_document(LEADER, f"kh-{self._imports}.txt", text.encode())
        # The preview waits behind the answers owed to a backlog: up to a few hundred.
        await self._until(lambda: self._preview(before) is not None, 60)
        preview = self._preview(before)
        assert preview is not None
        confirm = preview.reply_markup["inline_keyboard"][0][0]["callback_data"]  # type: ignore[index]
        told = self._told()
        self.fake.add_callback(LEADER, confirm, preview.message_id)
        if self.rng.random() < 0.5:
            with contextlib.suppress(TimeoutError):
                await self._until(lambda: self._told() > told, 5)
            await asyncio.sleep(self.rng.uniform(0, 0.15))
        else:
            await asyncio.sleep(self.rng.uniform(0, 0.4))
        await self.kill("import")

    async def random_kill(self) -> None:
        """The next of the moments above; each comes once per round, in a random order."""
        if not self._round:
            self._round = [
                self.kill_in_stream,
                self.kill_with_backlog,
                self.kill_in_sweep,
                self.kill_in_import,
            ]
            self.rng.shuffle(self._round)
        await self._round.pop()()

    def _preview(self, after: int) -> SentMessage | None:
        for message in self.fake.messages_to(LEADER)[after:]:
            if "imp:ok:" in json.dumps(message.reply_markup or {}):
                return message
        return None

    def _nudges_sent(self) -> int:
        return sum(1 for m in self.fake.sent if _is_nudge(m.text))

    def _owed_bulk(self) -> int:
        with contextlib.closing(_ro(self.db)) as db:
            return int(
                db.execute(
                    "SELECT COUNT(*) FROM outbox WHERE bulk = 1 AND state = 'pending'"
                ).fetchone()[0]
            )

    def _told(self) -> int:
        return sum(1 for m in self.fake.sent if "Nhiệm vụ mới cho" in m.text)

    # -- the end --------------------------------------------------------------------

    async def finish(self, *, wait_leases: bool) -> Report:
        """Run the bot until nothing is owed, then count everything."""
        self._producing = False
        if self._producer is not None:
            await self._producer
        if not wait_leases and self._bot is None:
            # As if the bot had stayed down past the lease of the messages it was sending.
            self.fast_forward_leases()
        if self._bot is None:
            await self.start()
        deadline = time.monotonic() + (150 if wait_leases else 30)
        while self.fake.pending_updates or not await asyncio.to_thread(self._settled):
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not settle")
            await asyncio.sleep(0.05)
        await self.stop()
        if self._stamper is not None:
            self._stamper.cancel()
        self.report.seconds = time.monotonic() - self._started
        self._count()
        return self.report

    def fast_forward_leases(self) -> None:
        """End every lease now: the bot holding them is dead."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with contextlib.closing(sqlite3.connect(self.db, timeout=10)) as db:
            db.execute("UPDATE outbox SET lease_until = ? WHERE state = 'sending'", (now,))
            db.commit()

    def _settled(self) -> bool:
        with contextlib.closing(_ro(self.db)) as db:
            new = db.execute("SELECT COUNT(*) FROM inbox WHERE state = 'new'").fetchone()[0]
            owed = db.execute(
                "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')"
            ).fetchone()[0]
        return new == 0 and owed == 0

    def _count(self) -> None:
        r = self.report
        with contextlib.closing(_ro(self.db)) as db:
            texts = [t for (t,) in db.execute("SELECT text FROM updates")]
            rows = db.execute("SELECT chat_id, reply, key, bulk, state FROM outbox").fetchall()
            # A follow-up message covers every nudge claimed for one official at one moment.
            owed_nudges = db.execute(
                "SELECT COUNT(DISTINCT official_id) FROM nudges WHERE state = 'sent'"
                " AND official_id NOT IN (SELECT official_id FROM outbox"
                " WHERE key LIKE 'followup:%' OR key LIKE 'nudge:%')"
            ).fetchone()[0]
            linked = set(db.execute("SELECT chat_id, message_id FROM message_links"))
            confirmed = db.execute(
                "SELECT COUNT(*) FROM pending_imports WHERE state = 'confirmed'"
            ).fetchone()[0]
            expected_told = db.execute(
                "SELECT COUNT(*) FROM (SELECT DISTINCT d.code, i.external_id FROM directives d"
                " JOIN tasks t ON t.directive_id = d.id JOIN officials o ON o.unit_id = t.unit_id"
                " JOIN identities i ON i.official_id = o.id AND i.platform = 'telegram'"
                " WHERE d.code != '412/KH-UBND')"
            ).fetchone()[0]
        stored = Counter(t.rsplit(" ", 1)[-1] for t in texts if t.startswith("tiến độ mk"))
        answers: Counter[tuple[int, str]] = Counter()
        repeats: Counter[tuple[int, int]] = Counter()
        for m in self.fake.sent:
            if "Đã ghi báo cáo tiến độ" in m.text:
                marker = next((w for w in m.text.split() if w.startswith("mk")), "")
                answers[(m.chat_id, marker)] += 1
            elif "đã được ghi trước đó" in m.text:
                task = m.text.split("<b>#", 1)[1].split("<", 1)[0]
                repeats[(m.chat_id, int(task))] += 1
        copies = Counter((m.chat_id, m.text) for m in self.fake.sent)
        for note in self.notes:
            count = stored[note.marker]
            if note.nudge is not None:
                r.replies += 1
                unlinked = (str(note.chat), str(note.nudge[1])) not in linked
                if count == 0 and unlinked and copies[(note.chat, note.nudge[0])] > 1:
                    r.replies_to_unlinked += 1
                    continue
            r.notes_lost += count == 0
            r.notes_stored_twice += count > 1
            answered = answers[(note.chat, note.marker)]
            r.notes_answered_twice += answered > 1
            if answered == 0 and repeats[(note.chat, note.task_id)] > 0:
                repeats[(note.chat, note.task_id)] -= 1
                r.notes_answered_as_repeat += 1
            elif answered == 0:
                r.notes_unanswered += 1
        self._count_owed(rows)
        r.nudges_without_row = owed_nudges
        r.imports_confirmed = confirmed
        told = {(m.chat_id, m.text) for m in self.fake.sent if "Nhiệm vụ mới cho" in m.text}
        r.announcements_missing = max(0, expected_told - len(told))
        for m in self.fake.sent:
            if any(word in m.text for word in INTERNAL):
                r.internal_answers.append(m.text[:200])
        for log in self._logs:
            for line in log.read_text("utf-8", errors="replace").splitlines():
                if "Traceback" in line or " ERROR " in line or " CRITICAL " in line:
                    r.log_errors.append(f"{log.name}: {line[:300]}")

    def _count_owed(self, rows: list[tuple[str, str, str | None, int, str]]) -> None:
        r = self.report
        expected: Counter[tuple[int, str]] = Counter()
        kinds: dict[tuple[int, str], str] = {}
        for chat, reply, key, bulk, state in rows:
            text = json.loads(reply).get("text", "")
            first = split_text(text, 4096)[0] if text else ""
            kind = _kind(key, bool(bulk), text)
            r.owed[kind] += 1
            r.owed_unsent_rows += state != "sent"
            expected[(int(chat), first)] += 1
            kinds[(int(chat), first)] = kind
        got: dict[tuple[int, str], list[float]] = {}
        for m, at in zip(self.fake.sent, self._stamps, strict=False):
            if m.method == "sendMessage":
                got.setdefault((m.chat_id, m.text), []).append(at)
        for where, count in expected.items():
            times = got.get(where, [])
            if len(times) < count:
                r.owed_lost[kinds[where]] += count - len(times)
            elif len(times) > count:
                r.owed_twice[kinds[where]] += len(times) - count
                after = [n for n, k in enumerate(self._kills) if k >= times[0]]
                # Only a text owed once tells which copy came first.
                if after and count == 1:
                    kill = self._kills[after[0]]
                    r.window_ms.append((kill - times[0]) * 1000)
                    r.resent_after_s.append(times[-1] - kill)
                    r.widest.append((r.window_ms[-1], kinds[where], self._moments[after[0]]))
        r.widest = sorted(r.widest, reverse=True)[:5]

    async def _until(self, predicate: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not predicate():
            if self._bot is not None and self._bot.returncode is not None:
                raise AssertionError(
                    f"the bot exited ({self._bot.returncode}); see {self._logs[-1]}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"not within {seconds} s")
            await asyncio.sleep(0.005)


def _is_nudge(text: str) -> bool:
    return "đến hạn</b>" in text or "quá hạn</b>" in text


def _spread(values: list[float], unit: str) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    middle = ordered[len(ordered) // 2]
    return f"median {middle:.0f} {unit}, max {ordered[-1]:.0f} {unit}"


def _kind(key: str | None, bulk: bool, text: str) -> str:
    if key and key.startswith("nudge:"):
        return "nudge"
    if "Nhiệm vụ mới cho" in text:
        return "announcement"
    return "bulk" if bulk else "answer"


async def fault_run(
    folder: Path,
    kills: int,
    seed: int,
    *,
    wait_leases: bool,
    note_gap: float = 0.08,
    backlog: tuple[int, int] = (20, 60),
) -> Report:
    """Start, kill and restart the bot until it was killed `kills` times, then count."""
    async with FakeBotApi() as fake:
        run = FaultRun(folder, fake, seed, note_gap=note_gap, backlog=backlog)
        await run.prepare()
        run.produce()
        try:
            while run.report.kills < kills:
                await run.random_kill()
                # Down for a moment: notes pile up meanwhile.
                await asyncio.sleep(run.rng.uniform(0, 0.3))
            return await run.finish(wait_leases=wait_leases)
        finally:
            await run.cleanup()
