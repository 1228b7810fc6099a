"""The inbox worker: stored updates are handled once, in order per chat, failures explained."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.domain import Official
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.transports import Attachment, Received, Request
from bot.transports.contract import Fetch
from bot.transports.inbox import InboxWorker
from bot.transports.outbox import OutboxSender
from storage import Store
from tests.conftest import ENGINES, EXAMPLES, TZ, Clock
from tests.recorder import Recorder


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


class Broken(Recorder):
    """A platform whose file downloads fail in a way nobody planned for."""

    def fetcher(self, ref: str) -> Fetch:
        async def fetch() -> bytes:
            raise RuntimeError("boom")

        return fetch


TELEGRAM = {"Huỳnh Ngọc Mai": "100012", "Nguyễn Minh Trí": "100002"}


def text(user: Official, body: str, n: int, chat_type: str = "private") -> Received:
    uid = TELEGRAM[user.name]
    chat = uid if chat_type == "private" else "-100200"
    request = Request("telegram", uid, chat, body, str(n), chat_type=chat_type)  # type: ignore[arg-type]
    return Received(f"m:{chat}:{n}", request)


async def run_once(svc: Services, recorder: Recorder, admin: str | None = None) -> list[str]:
    outbox = OutboxSender(svc, {"telegram": recorder})
    admin_chat = ("telegram", admin) if admin else None
    inbox = InboxWorker(svc, {"telegram": recorder}, outbox, admin_chat=admin_chat)
    await inbox.handle_stored()
    await inbox.settle()
    await outbox.drain()
    return recorder.texts()


async def test_a_backlog_left_by_a_crash_is_handled_once_in_order(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path) as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        mai = next(o for o in await store.officials() if o.name == "Huỳnh Ngọc Mai")
        svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
        worker = InboxWorker(svc, {"telegram": Recorder()}, OutboxSender(svc, {}))
        await worker.store_batch("telegram", [text(mai, "/start", n) for n in range(1, 6)])
        # The process dies here: stored, confirmed to Telegram, not yet handled.
    async with Store.open(path) as store:
        svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
        recorder = Recorder()
        assert len(await run_once(svc, recorder)) == 5
        assert len(await run_once(svc, recorder)) == 5  # nothing handled twice
        assert {chat for chat, _ in recorder.sent} == {TELEGRAM[mai.name]}


async def test_an_unexpected_failure_is_explained_and_reported(
    svc: Services, roster: dict[str, Official]
) -> None:
    tri = roster["Nguyễn Minh Trí"]
    document = Request(
        "telegram",
        TELEGRAM[tri.name],
        TELEGRAM[tri.name],
        message_id="1",
        content="document",
        attachment=Attachment("kh.txt", 10, None, ref="file-1"),
    )
    broken = Broken()
    worker = InboxWorker(svc, {"telegram": broken}, OutboxSender(svc, {"telegram": broken}))
    await worker.store_batch("telegram", [Received("m:1", document)])
    [apology, notice] = await run_once(svc, broken, admin="100003")
    assert "dondoc gặp lỗi khi xử lý yêu cầu này" in apology
    assert "dondoc gặp lỗi" in notice and TELEGRAM[tri.name] in notice
    assert "Traceback" not in apology + notice
    assert [chat for chat, _ in broken.sent] == [TELEGRAM[tri.name], "100003"]


async def test_groups_get_one_pointer_and_no_task_data(
    svc: Services, roster: dict[str, Official]
) -> None:
    tri = roster["Nguyễn Minh Trí"]
    recorder = Recorder()
    worker = InboxWorker(svc, {"telegram": recorder}, OutboxSender(svc, {"telegram": recorder}))
    await worker.store_batch(
        "telegram",
        [text(tri, "/tonghop", 1, "group"), text(tri, "/nhiemvu", 2, "group")],
    )
    answers = await run_once(svc, recorder)
    assert len(answers) == 2
    assert all("trò chuyện riêng" in a and "#" not in a for a in answers)


async def test_a_number_picks_a_choice_where_there_are_no_buttons(
    svc: Services, roster: dict[str, Official]
) -> None:
    class NoButtons(Recorder):
        capabilities = replace(Recorder.capabilities, buttons=False)

    tri = roster["Nguyễn Minh Trí"]
    platform = NoButtons()
    platform.files["file-1"] = (EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt").read_bytes()
    worker = InboxWorker(svc, {"telegram": platform}, OutboxSender(svc, {"telegram": platform}))
    uid = TELEGRAM[tri.name]
    sent = Request(
        "telegram",
        uid,
        uid,
        message_id="1",
        content="document",
        attachment=Attachment("kh.txt", 100, None, ref="file-1"),
    )
    await worker.store_batch("telegram", [Received("m:1", sent)])
    await worker.handle_stored()
    await worker.settle()
    outbox = OutboxSender(svc, {"telegram": platform})
    await outbox.drain()
    await worker.store_batch("telegram", [text(tri, "2", 2)])  # "2" = ❌ Hủy
    answers = await run_once(svc, platform)
    assert "Đã hủy" in answers[-1]
    assert await svc.store.directives() == []
