"""The inbox: updates are stored before the platform is told they arrived, then handled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from functools import partial

from bot.progress import keyword_command
from bot.services import Services
from bot.transports.contract import Received, Reply, Request, Transport
from bot.transports.ordering import ChatOrder
from bot.transports.outbox import OutboxSender, outgoing
from handlers import dispatch
from messages import render
from storage import InboxRow, Incoming, Outgoing

log = logging.getLogger(__name__)
# Handled updates are kept this long, so a late redelivery is still recognised.
KEEP_HANDLED = timedelta(days=7)


class InboxWorker:
    """Reads every transport into the inbox and handles what is stored there.

    Updates of different chats are handled concurrently, each chat's in the order received.
    """

    def __init__(
        self,
        svc: Services,
        transports: Mapping[str, Transport],
        outbox: OutboxSender,
        *,
        admin_chat: tuple[str, str] | None = None,
        concurrency: int = 32,
    ) -> None:
        self._svc = svc
        self._transports = dict(transports)
        self._outbox = outbox
        self._admin_chat = admin_chat
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: set[int] = set()
        self._order = ChatOrder()
        self._wake = asyncio.Event()

    async def poll(self, transport: Transport, stop: asyncio.Event) -> None:
        """Long-poll one platform until `stop`, storing each batch before asking for the next."""
        stopped = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                reading = asyncio.ensure_future(transport.receive())
                await asyncio.wait([reading, stopped], return_when=asyncio.FIRST_COMPLETED)
                if not reading.done():
                    reading.cancel()
                    break
                batch = reading.result()
                if batch:
                    await self.store_batch(transport.platform, batch)
        finally:
            stopped.cancel()

    async def store_batch(self, platform: str, batch: Sequence[Received]) -> int:
        """Store received updates (once each) and wake the handlers; how many were new."""
        items = [Incoming(platform, r.key, r.request.chat_id, r.request.to_json()) for r in batch]
        with self._svc.store.answering():
            added = await self._svc.store.receive(items, self._svc.now())
        self._wake.set()
        return added

    async def run(self, stop: asyncio.Event, poll: float = 1.0) -> None:
        """Handle stored updates until `stop`: those left by a crash first, then new ones."""
        rounds = 0
        while not stop.is_set():
            # Cleared before looking, not after: an update stored while we look wakes the
            # next round at once instead of waiting for the poll.
            self._wake.clear()
            try:
                await self.handle_stored()
                rounds += 1
                if rounds % 3600 == 1:
                    await self._svc.store.prune_inbox(self._svc.now() - KEEP_HANDLED)
            except Exception:
                log.exception("inbox round failed; trying again")
            waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waits, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for w in waits:
                w.cancel()
        await self.settle()

    async def handle_stored(self) -> int:
        """Start handling every stored update not handled or in hand yet; how many started."""
        rows = await self._svc.store.unhandled(list(self._transports), limit=500)
        started = 0
        for row in rows:
            if row.id in self._in_flight:
                continue
            self._in_flight.add(row.id)
            self._order.start((row.platform, row.chat_id), partial(self._in_hand, row))
            started += 1
        return started

    async def settle(self) -> None:
        """Wait until every update in hand is handled."""
        await self._order.settle()

    async def _in_hand(self, row: InboxRow) -> None:
        try:
            async with self._slots:
                with self._svc.store.answering():
                    await self.handle(row)
        finally:
            self._in_flight.discard(row.id)

    async def handle(self, row: InboxRow) -> None:
        """Answer one stored update, and mark it handled with its answers owed, atomically."""
        svc = self._svc
        transport = self._transports[row.platform]
        request = Request.from_json(row.request, transport.fetcher)
        owed: list[Outgoing] = []
        toast: str | None = None
        try:
            request = await self._numbered_choice(transport, request)
            request = await self._implicit_reply(transport, request)
            replies = await dispatch(svc, request)
            toast = next((r.toast for r in replies if r.toast), None)
            if (
                not transport.capabilities.buttons
                and toast
                and not any(r.is_message for r in replies)
            ):
                replies = [Reply(toast)]  # a numbered answer has no button to show a notice on
            owed = outgoing(svc, replies, request)
        except Exception as exc:
            log.error("handling update %s failed", row.id, exc_info=exc)
            owed = outgoing(svc, [Reply(render("error", svc.locale, code="internal"))], request)
            owed += self._admin_notice(request, exc)
        if await svc.store.finish_update(row.id, owed, svc.now()):
            self._outbox.wake()
        # The channel someone writes from is the one they use: nudges prefer it.
        await svc.store.touch_identity(request.platform, request.user_id, svc.now())
        if request.callback_id is not None:
            await transport.answer_button(request, toast)

    async def _numbered_choice(self, transport: Transport, request: Request) -> Request:
        # Where there are no buttons, "2" picks the second choice of the latest message.
        text = request.text.strip()
        if transport.capabilities.buttons or request.callback is not None:
            return request
        if not (text.isdigit() and len(text) <= 2):
            return request
        choices = await self._svc.store.latest_choices(request.platform, request.chat_id)
        number = int(text)
        if not 1 <= number <= len(choices):
            return request
        return replace(request, text="", callback=choices[number - 1][1])

    async def _implicit_reply(self, transport: Transport, request: Request) -> Request:
        # Where messages cannot be replied to, plain text answers the latest message about a
        # task or an import in that chat.
        if transport.capabilities.reply_to or request.reply_to_message_id is not None:
            return request
        if request.callback is not None or request.command is not None or not request.text:
            return request
        if keyword_command(request.text) is not None:
            return request
        latest = await self._svc.store.latest_linked_message(request.platform, request.chat_id)
        return replace(request, reply_to_message_id=latest) if latest else request

    def _admin_notice(self, request: Request, exc: BaseException) -> list[Outgoing]:
        if self._admin_chat is None:
            return []
        text = render(
            "admin_error",
            self._svc.locale,
            error=repr(exc)[:500],
            user={"id": request.user_id, "full_name": request.first_name},
        )
        return [Outgoing(self._admin_chat[0], self._admin_chat[1], Reply(text))]
