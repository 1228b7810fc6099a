"""The outbox: messages owed are stored first, then delivered at the platform's pace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial

from bot.domain import Recipient
from bot.reports.later import made
from bot.services import Services
from bot.transports.contract import (
    MADE_WHEN_SENT,
    DeliveryError,
    Piece,
    Reply,
    Request,
    RetryLater,
    Transport,
)
from bot.transports.ordering import ChatOrder
from bot.transports.pacing import INLINE_WAIT, Pacer
from storage import OutboxRow, Outgoing

log = logging.getLogger(__name__)

# A sender that took a message and died leaves it for this long; then another sends it.
LEASE = timedelta(seconds=60)
# A message that still fails after this many attempts is given up on and reported.
MAX_ATTEMPTS = 10
# Sends in flight kept free of bulk messages, for answers.
ANSWER_SLOTS = 2
# A short wait asked by the platform is waited out while sending, this many times.
INLINE_RETRIES = 3


def address(svc: Services, person: Recipient) -> tuple[str, str] | None:
    """The (platform, chat) that reaches `person` on a running platform, preferred first."""
    for platform, chat_id in person.addresses:
        if platform in svc.platforms:
            return platform, chat_id
    if "console" in svc.platforms:  # in the demo everyone is reachable by their official id
        return "console", str(person.official_id)
    return None


def outgoing(svc: Services, replies: Sequence[Reply], request: Request | None) -> list[Outgoing]:
    """Where each reply goes: another official's chat (`to`), else the requesting chat."""
    found: list[Outgoing] = []
    for reply in replies:
        if not reply.is_message:
            continue
        if reply.to is None:
            if request is not None:
                found.append(Outgoing(request.platform, request.chat_id, reply, bulk=reply.bulk))
            continue
        target = address(svc, reply.to)
        if target is None:
            log.info("%s has no chat on a running platform; not told", reply.to.name)
            continue
        found.append(
            Outgoing(target[0], target[1], reply, official_id=reply.to.official_id, bulk=True)
        )
    return found


async def owe(svc: Services, replies: Sequence[Reply], request: Request | None = None) -> int:
    """Store replies as owed, inside the caller's transaction when there is one."""
    return len(await svc.store.enqueue(outgoing(svc, replies, request), svc.now()))


@dataclass
class Tally:
    """What a drain did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0


class OutboxSender:
    """Drains the outbox through the running transports, a few sends in flight."""

    def __init__(
        self, svc: Services, transports: Mapping[str, Transport], *, in_flight: int = 8
    ) -> None:
        self._svc = svc
        self._transports = dict(transports)
        self._in_flight = in_flight
        self._pacers = {
            p: Pacer(t.capabilities.rate, t.capabilities.chat_gap) for p, t in transports.items()
        }
        self._order = ChatOrder()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.tally = Tally()

    def wake(self) -> None:
        """Something was owed: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, poll: float = 1.0) -> None:
        """Drain until `stop`, looking again when woken or every `poll` seconds."""
        while not stop.is_set():
            try:
                await self.drain(stop)  # clears the wake before each look at the outbox
            except Exception:
                log.exception("outbox drain failed; trying again")
            waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waits, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for w in waits:
                w.cancel()

    async def drain(self, stop: asyncio.Event | None = None) -> Tally:
        """Send everything due now; returns when nothing due is left (or in flight), or once
        `stop` is set and the sends in flight are done (the rest stays owed)."""
        store, platforms = self._svc.store, list(self._transports)
        start = Tally(self.tally.sent, self.tally.failed, self.tally.retried)
        self._stop = stop or asyncio.Event()
        sending: dict[asyncio.Task[object], OutboxRow] = {}
        while True:
            free = self._in_flight - len(sending)
            if free > 0 and not self._stop.is_set():
                self._wake.clear()
                bulk = sum(row.bulk for row in sending.values())
                with store.in_front():
                    rows = await store.claim_outgoing(
                        platforms,
                        self._svc.now(),
                        LEASE,
                        free,
                        # A few sends are kept for answers, so none waits behind a bulk send.
                        bulk_limit=max(self._in_flight - ANSWER_SLOTS - bulk, 0),
                        busy={row.chat_id for row in sending.values()},
                    )
                for row in rows:
                    sending[self._start(row)] = row
            if not sending:
                break
            # With a send free, an answer owed meanwhile (the inbox wakes us) is taken at once.
            woken = asyncio.ensure_future(self._wake.wait())
            waits = [*sending, woken] if len(sending) < self._in_flight else [*sending]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            sending = {task: row for task, row in sending.items() if not task.done()}
        return Tally(
            self.tally.sent - start.sent,
            self.tally.failed - start.failed,
            self.tally.retried - start.retried,
        )

    def _start(self, row: OutboxRow) -> asyncio.Task[object]:
        # Messages to one chat go out in the order they were owed.
        key = (row.platform, row.chat_id)
        pieces = self._transports[row.platform].render(row.reply)
        files = [n for n, p in enumerate(pieces) if p.file and p.file.kind in MADE_WHEN_SENT]
        if files:
            return asyncio.create_task(self._in_two_turns(row, pieces, files[0]))
        return self._order.start(key, partial(self.deliver, row, pieces))

    async def deliver(self, row: OutboxRow, pieces: list[Piece], upto: int | None = None) -> bool:
        """Send one owed message (its rendered `pieces`, up to `upto`) piece by piece,
        recording each piece and its message id; whether they all went."""
        if row.bulk:
            return await self._deliver(row, pieces, upto)
        with self._svc.store.answering():
            return await self._deliver(row, pieces, upto)

    async def _in_two_turns(self, row: OutboxRow, pieces: list[Piece], first: int) -> None:
        # The text goes in the chat's turn; the files are made outside it, so that the chat's
        # next answers do not wait the tens of seconds a province's report takes to build;
        # then they go in a turn of their own.
        key = (row.platform, row.chat_id)
        if row.pieces_sent < first:
            if not await self._order.start(key, partial(self.deliver, row, pieces, first)):
                return
            row = replace(row, pieces_sent=first)
        making = asyncio.ensure_future(self._made(row, pieces, first))
        stopping = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait([making, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not making.done():  # a stopping bot does not wait for a report to be built
            making.cancel()
            await self._svc.store.outgoing_released(row.id)  # made again on the next start
            return
        try:
            pieces = making.result()
        except Exception as exc:
            log.exception("making the files of outbox message %s failed", row.id)
            await self._later(row, repr(exc), 5.0 * 2 ** min(row.attempts, 10))
            return
        await self._order.start(key, partial(self.deliver, row, pieces))

    async def _deliver(self, row: OutboxRow, pieces: list[Piece], upto: int | None) -> bool:
        store, transport = self._svc.store, self._transports[row.platform]
        pacer = self._pacers[row.platform]
        end = len(pieces) if upto is None else upto
        try:
            for n in range(row.pieces_sent, end):
                if self._stop.is_set() and n == row.pieces_sent:
                    # Stopping: a message not begun stays owed, for the next start at once.
                    await store.outgoing_released(row.id)
                    return False
                message_id = await self._send(transport, pacer, row, pieces[n], n > 0)
                await store.piece_sent(row.id, row.platform, row.chat_id, message_id, n + 1)
        except RetryLater as exc:
            _slow_down(pacer, row, exc.seconds)
            await self._later(row, str(exc), exc.seconds)
            return False
        except DeliveryError as exc:
            log.warning("%s chat %s refuses a message: %s", row.platform, row.chat_id, exc)
            await store.outgoing_failed(row.id, str(exc), self._svc.now())
            if row.official_id is not None:  # shown to the head and in summaries
                await store.mark_unreachable(row.platform, row.chat_id, str(exc), self._svc.now())
            self.tally.failed += 1
            return False
        except Exception as exc:
            log.exception("sending outbox message %s failed", row.id)
            await self._later(row, repr(exc), 5.0 * 2 ** min(row.attempts, 10))
            return False
        if end == len(pieces):
            await store.outgoing_sent(row.id, self._svc.now())
            self.tally.sent += 1
        return True

    async def _made(self, row: OutboxRow, pieces: list[Piece], start: int) -> list[Piece]:
        # A province's report takes tens of seconds to build: the lease is kept meanwhile, so
        # that no other sender takes the message as one whose sender died.
        files = [p.file for p in pieces[start:] if p.file is not None]
        keeping = asyncio.ensure_future(self._keep_lease(row.id))
        try:
            ready = iter(await made(self._svc, files))
        finally:
            keeping.cancel()
        return pieces[:start] + [
            replace(p, file=next(ready)) if p.file is not None else p for p in pieces[start:]
        ]

    async def _keep_lease(self, row_id: int) -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            await self._svc.store.extend_lease(row_id, self._svc.now() + LEASE)

    async def _send(
        self, transport: Transport, pacer: Pacer, row: OutboxRow, piece: Piece, follows: bool
    ) -> str | None:
        # A short wait asked by the platform (429, a network blip) is waited out here; a
        # longer one puts the message back in the outbox.
        for attempt in range(INLINE_RETRIES + 1):
            await pacer.wait(row.chat_id, row.bulk, follows=follows)
            try:
                return await transport.send(row.chat_id, piece)
            except RetryLater as exc:
                if attempt == INLINE_RETRIES or exc.seconds > INLINE_WAIT:
                    raise
                log.info("%s: %s; retrying in %.1f s", row.platform, exc, exc.seconds)
                _slow_down(pacer, row, exc.seconds)
        raise AssertionError("unreachable")

    async def _later(self, row: OutboxRow, error: str, seconds: float) -> None:
        store = self._svc.store
        if row.attempts >= MAX_ATTEMPTS:
            log.warning("giving up outbox message %s after %s attempts", row.id, row.attempts)
            await store.outgoing_failed(row.id, error, self._svc.now())
            self.tally.failed += 1
            return
        due = self._svc.now() + timedelta(seconds=max(seconds, 0.5))
        await store.outgoing_later(row.id, due, error)
        self.tally.retried += 1


def _slow_down(pacer: Pacer, row: OutboxRow, seconds: float) -> None:
    # Bulk sends are paced under the platform's overall limit, so a refusal of one means the
    # whole budget (another process sharing the token, say); an answer is refused most likely
    # by its chat's limit, and every other chat may go on.
    if row.bulk:
        pacer.pause(seconds)
    else:
        pacer.hold(row.chat_id, seconds)
