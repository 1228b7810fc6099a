"""From file to live tasks over real HTTP: coordinators linked to their lead, sentences added."""

from __future__ import annotations

import pytest

from storage import Store
from tests.conftest import ENGINES
from tests.test_e2e_telegram import MAI, PHUC, TRI, Running, running
from tests.test_review import LOOSE

__all__ = ["running"]  # the fixture, shared with the other end-to-end tests


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


async def test_a_coordinator_and_its_lead_name_each_other(running: Running) -> None:
    ids = await running.task_ids()
    lead = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp Phòng"))
    helper = next(v for k, v in ids.items() if k.startswith("Phối hợp với Phòng Tài chính"))
    saved = await running.ask(MAI, f"/capnhat #{helper} đã gửi số liệu dự toán, đạt 50%")
    assert "Đã ghi" in saved

    detail = await running.ask(MAI, f"/nhiemvu #{helper}")
    assert f"Phối hợp với Phòng Tài chính - Kế hoạch — nhiệm vụ #{lead}" in detail
    shared = await running.ask(PHUC, f"/nhiemvu #{lead}")
    assert "Đơn vị phối hợp" in shared
    assert f"• Phòng Văn hóa, Khoa học và Thông tin — #{helper}" in shared
    assert "50% · đã gửi số liệu dự toán" in shared


async def test_a_sentence_button_adds_a_task_to_the_preview_in_place(running: Running) -> None:
    fake = running.fake
    fake.add_document(TRI, "kh-bo-sung.txt", LOOSE.replace(b"412/KH-UBND", b"413/KH-UBND"))
    [preview] = await fake.wait_for_messages(TRI, 1)
    assert "Có thể là nhiệm vụ:" in preview.plain_text
    keys = [k for row in (preview.reply_markup or {})["inline_keyboard"] for k in row]
    data = {k["text"]: k["callback_data"] for k in keys}
    assert "➕ Thêm dòng 32" in data and "✅ Xác nhận" in data

    fake.add_callback(TRI, data["➕ Thêm dòng 32"], preview.message_id)
    [edited] = [m for m in await fake.wait_for_messages(TRI, 2) if m.method == "editMessageText"]
    assert edited.message_id == preview.message_id
    assert "#7 Phòng Y tế — chủ trì — hạn 15/12/2026" in edited.plain_text
    keys = [k for row in (edited.reply_markup or {})["inline_keyboard"] for k in row]
    fresh = {k["text"]: k["callback_data"] for k in keys}
    assert "➕ Thêm dòng 32" not in fresh

    fake.add_callback(TRI, fresh["✅ Xác nhận"], preview.message_id)
    done = (await fake.wait_for_messages(TRI, 3))[2]
    assert "Đã lưu 1 văn bản mới" in done.plain_text
    async with Store.open(running.settings.db) as store:
        health = next(u.id for u in await store.units() if u.name == "Phòng Y tế")
        [task] = await store.tasks_of_units([health])
        assert task.directive_code == "413/KH-UBND"
