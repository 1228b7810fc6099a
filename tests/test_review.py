"""Directive files sent in chat: preview, corrections by reply, confirmation, announcements."""

from __future__ import annotations

from bot.domain import Official
from bot.names import name_key
from bot.services import Services
from bot.transports import Attachment, Reply, Request
from handlers import dispatch, imports
from tests.conftest import EXAMPLES, link

PLAN = (EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt").read_bytes()


async def send(svc: Services, who: Official, **fields: object) -> list[Reply]:
    request = Request("console", str(who.id), str(who.id), message_id=1, **fields)  # type: ignore[arg-type]
    return await dispatch(svc, request)


async def send_file(
    svc: Services, who: Official, data: bytes = PLAN, name: str = "kh.txt"
) -> list[Reply]:
    return await send(svc, who, content="document", attachment=Attachment.of(name, data))


async def preview_of(svc: Services, pending_id: int) -> str:
    """The preview as it stands after corrections."""
    [shown] = await imports.preview(svc, pending_id)
    return shown.text


async def test_leader_previews_corrects_and_confirms(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [preview] = await send_file(svc, leader)
    assert preview.pending_id is not None
    assert [data for _, data in preview.buttons] == [
        f"imp:ok:{preview.pending_id}:0",
        f"imp:no:{preview.pending_id}:0",
    ]
    assert "412/KH-UBND" in preview.text
    assert "#2</b> Phòng Tài chính - Kế hoạch — chủ trì — hạn 20/12/2026" in preview.text
    assert await svc.store.directives() == []  # nothing stored before confirmation

    await link(svc.store, str(leader.id), 900, pending_id=preview.pending_id)
    # Two corrections in one reply; the answer says what changed, not the whole preview.
    [fixed] = await send(
        svc, leader, text="#2 hạn 28/12/2026\n#3 đơn vị Phòng Nội vụ", reply_to_message_id=900
    )
    assert "#2: hạn 28/12/2026" in fixed.text and "#3: giao cho Phòng Nội vụ" in fixed.text
    assert "Văn bản đọc được" not in fixed.text
    assert [data for _, data in fixed.buttons][0] == f"imp:ok:{preview.pending_id}:1"
    [stale] = await send(svc, leader, callback=f"imp:ok:{preview.pending_id}:0")
    assert stale.toast and "đã cũ" in stale.toast
    again = await preview_of(svc, preview.pending_id)
    assert "#2</b> Phòng Tài chính - Kế hoạch — chủ trì — hạn 28/12/2026" in again
    assert "#3</b> Trung tâm Văn hóa - Thể thao - Truyền thanh — thực hiện" in again

    replies = await send(svc, leader, callback=f"imp:ok:{preview.pending_id}:1")
    assert "Đã lưu 1 văn bản mới" in replies[0].text
    # Each unit's officials are owed a message, stored with the import itself.
    owed = {chat for _, _, chat, state, _ in await svc.store.outbox_states() if state == "pending"}
    told = {
        name
        for name, o in roster.items()
        for r in await svc.store.recipients(o.unit_id)
        if r.official_id == o.id and r.address_on("telegram") in owed
    }
    assert {"Lý Văn Phúc", "Trương Thị Thu", "Phan Quốc Bảo", "Võ Thanh Tâm"} <= told
    finance = roster["Lý Văn Phúc"].unit_id
    [task] = await svc.store.tasks_of_units([finance])
    assert task.deadline is not None and task.deadline.isoformat() == "2026-12-28"
    interior = await svc.store.tasks_of_units([roster["Phan Quốc Bảo"].unit_id])
    assert [t.title[:20] for t in interior] == ["Xây dựng chuyên mục "]

    again = await send(svc, leader, callback=f"imp:ok:{preview.pending_id}")
    assert "đã xong hoặc đã hủy" in again[0].text
    assert len(await svc.store.directives()) == 1


async def test_cancel_stores_nothing(svc: Services, roster: dict[str, Official]) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [preview] = await send_file(svc, leader)
    [cancelled] = await send(svc, leader, callback=f"imp:no:{preview.pending_id}")
    assert "Đã hủy" in cancelled.text
    assert await svc.store.directives() == []


async def test_bad_corrections_change_nothing(svc: Services, roster: dict[str, Official]) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [preview] = await send_file(svc, leader)
    assert preview.pending_id is not None
    await link(svc.store, str(leader.id), 900, pending_id=preview.pending_id)
    cases = {
        "#2 hạn 1/1/2020": "đã qua",
        "#2 hạn 31/02/2027": "Không đọc được ngày",
        "#9 hạn 30/12/2026": "Không có mục #9",
        "#2 đơn vị Phòng Tài chánh - Kế hoạch": "Có phải: Phòng Tài chính - Kế hoạch?",
        "đổi hạn giúp": "Không hiểu yêu cầu sửa",
    }
    for text, expected in cases.items():
        [answer] = await send(svc, leader, text=text, reply_to_message_id=900)
        assert expected in answer.text, text
    pending = await svc.store.pending(preview.pending_id)
    assert pending is not None and pending.edits == {}


async def test_only_leaders_import_and_bad_files_are_explained(
    svc: Services, roster: dict[str, Official]
) -> None:
    [refused] = await send_file(svc, roster["Huỳnh Ngọc Mai"])  # not a leader: not a directive
    assert "minh chứng" in refused.text
    leader = roster["Nguyễn Minh Trí"]
    [empty] = await send_file(svc, leader, b"", "rong.txt")
    assert "Không đọc được tệp" in empty.text
    [binary] = await send_file(svc, leader, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "anh.png")
    assert "Không đọc được tệp" in binary.text
    copy = (
        "TỈNH ỦY LONG AN\nVĂN PHÒNG\n*\nSố 287-BS/VPTU\nSAO Y\nLong An, ngày 22 tháng 01 năm 2024\n"
    )
    [nothing] = await send_file(svc, leader, copy.encode(), "saoy.txt")
    assert "không giao nhiệm vụ cho đơn vị nào" in nothing.text
    big = await send(
        svc, leader, content="document", attachment=Attachment("to.pdf", 20 * 1024 * 1024, None)
    )
    assert "quá lớn" in big[0].text
    assert await svc.store.directives() == []


async def test_someone_else_cannot_confirm(svc: Services, roster: dict[str, Official]) -> None:
    [preview] = await send_file(svc, roster["Nguyễn Minh Trí"])
    [answer] = await send(svc, roster["Trần Văn Hùng"], callback=f"imp:ok:{preview.pending_id}")
    assert "người khác gửi" in answer.text
    assert await svc.store.directives() == []


async def test_tampered_buttons_do_nothing(svc: Services, roster: dict[str, Official]) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [preview] = await send_file(svc, leader)
    for data in (
        f"imp:zz:{preview.pending_id}",
        "imp:ok:²",
        "imp:ok:99999999999999999999",
        "imp:ok:-1",
        "x",
    ):
        [answer] = await send(svc, leader, callback=data)
        said = answer.text or answer.toast or ""
        assert "Không có lệnh này" in said or "không còn dùng được" in said, data
    assert await svc.store.directives() == []


async def test_a_corrected_version_is_not_announced_as_new(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [first] = await send_file(svc, leader)
    await send(svc, leader, callback=f"imp:ok:{first.pending_id}")
    corrected = PLAN.replace(b"20/12/2026", b"28/12/2026")
    [second] = await send_file(svc, leader, corrected)
    assert "bản sửa của văn bản đã lưu" in second.text
    replies = await send(svc, leader, callback=f"imp:ok:{second.pending_id}")
    assert [r.to for r in replies] == [None]
    assert "cập nhật 1 văn bản" in replies[0].text


async def test_nothing_unmatched_is_dropped_without_a_word(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    odd = PLAN.replace("2. Phòng Tài chính - Kế hoạch".encode(), "2. Phòng Quản lý đô thị".encode())
    [preview] = await send_file(svc, leader, odd)
    assert "không khớp đơn vị: Phòng Quản lý đô thị" in preview.text
    [asked] = await send(svc, leader, callback=f"imp:ok:{preview.pending_id}:0")
    assert "không được giao" in asked.text and "#2 Phòng Quản lý đô thị" in asked.text
    assert await svc.store.directives() == []  # nothing stored until the leader chooses
    await link(svc.store, str(leader.id), 901, pending_id=preview.pending_id)
    [added] = await send(
        svc, leader, text="#thêm Phòng Nội vụ: Rà soát biên chế", reply_to_message_id=901
    )
    assert "thêm: Phòng Nội vụ — Rà soát biên chế" in added.text
    [done] = await send(svc, leader, callback=f"imp:skip:{preview.pending_id}:1")
    assert "Không giao: #2 Phòng Quản lý đô thị" in done.text
    interior = await svc.store.tasks_of_units([roster["Phan Quốc Bảo"].unit_id])
    assert [t.text for t in interior][-1] == "Rà soát biên chế"


async def test_a_unit_fixed_in_review_is_remembered(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    odd = PLAN.replace("2. Phòng Tài chính - Kế hoạch".encode(), "2. Phòng TCKH huyện".encode())
    [preview] = await send_file(svc, leader, odd)
    await link(svc.store, str(leader.id), 902, pending_id=preview.pending_id)
    await send(svc, leader, text="#2 đơn vị Phòng Tài chính - Kế hoạch", reply_to_message_id=902)
    [done] = await send(svc, leader, callback=f"imp:ok:{preview.pending_id}:1")
    assert "Đã lưu 1 văn bản mới" in done.text
    finance = roster["Lý Văn Phúc"].unit_id
    assert (name_key("Phòng TCKH huyện"), finance) in await svc.store.aliases()


async def test_a_deadline_before_the_documents_date_is_flagged(
    svc: Services, roster: dict[str, Official]
) -> None:
    early = PLAN.replace(b"20/12/2026", b"20/12/2020")
    [preview] = await send_file(svc, roster["Nguyễn Minh Trí"], early)
    assert "hạn 20/12/2020 ⚠️ trước ngày văn bản" in preview.text


# Prose after the numbered items: sentences that address a unit but are no assignment yet.
LOOSE = PLAN.replace(
    "\nNơi nhận:".encode(),
    """
III. CÁC NỘI DUNG KHÁC
Các đơn vị chủ động thực hiện các nội dung sau.
Phòng Y tế xây dựng kế hoạch ứng dụng hồ sơ sức khỏe điện tử, báo cáo trước ngày 15/12/2026.
Phòng Tư pháp thẩm định các văn bản quy phạm pháp luật liên quan.
Thanh tra huyện kiểm tra việc sử dụng kinh phí khoa học, công nghệ.
Phòng Giáo dục và Đào tạo triển khai chuyển đổi số trong trường học.
Phòng Dân tộc tổng hợp nhu cầu ứng dụng công nghệ của đồng bào.
Phòng Lao động thống kê lao động ngành công nghệ.

Nơi nhận:""".encode(),
)


async def test_sentences_that_may_be_tasks_are_offered_and_added_by_button(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [preview] = await send_file(svc, leader, LOOSE)
    pending = preview.pending_id
    assert "Có thể là nhiệm vụ:" in preview.text
    assert "• dòng 32 · Phòng Y tế: Phòng Y tế xây dựng kế hoạch" in preview.text
    assert "dòng 37" not in preview.text and "và 1 câu khác" in preview.text
    offers = [(text, data) for text, data in preview.buttons if data.startswith("imp:add:")]
    assert [text for text, _ in offers] == [f"➕ Thêm dòng {n}" for n in range(32, 37)]
    assert all(len(data.encode()) <= 64 for _, data in preview.buttons)  # Telegram's limit
    assert [data for _, data in preview.buttons][-2:] == [
        f"imp:ok:{pending}:0",
        f"imp:no:{pending}:0",
    ]

    toast, edited = await send(svc, leader, callback=offers[0][1])
    assert toast.toast == "Đã thêm dòng 32"
    assert edited.edit_of is not None and edited.pending_id == pending  # the preview, in place
    assert "#7</b> Phòng Y tế — chủ trì — hạn 15/12/2026" in edited.text
    assert "dòng 32 ·" not in edited.text and "dòng 37 · Phòng Lao động" in edited.text
    assert "câu khác" not in edited.text
    assert f"imp:ok:{pending}:1" in [data for _, data in edited.buttons]
    [again] = await send(svc, leader, callback=offers[0][1])
    assert again.toast and "đã được thêm" in again.toast
    [stale] = await send(svc, leader, callback=f"imp:ok:{pending}:0")
    assert stale.toast and "đã cũ" in stale.toast

    [done] = await send(svc, leader, callback=f"imp:ok:{pending}:1")
    assert "Đã lưu 1 văn bản mới" in done.text
    assert "Phòng Y tế" in done.text  # nobody there has pressed /start yet
    assert "Không thêm 5 câu có thể là nhiệm vụ (dòng 33, 34, 35, 36, 37)" in done.text
    [health] = await svc.store.tasks_of_units([await _unit(svc, "Phòng Y tế")])
    assert health.title.startswith("Phòng Y tế xây dựng kế hoạch")
    assert health.deadline is not None and health.deadline.isoformat() == "2026-12-15"


async def test_an_added_sentence_of_an_unknown_unit_is_fixed_like_the_others(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    [preview] = await send_file(svc, leader, LOOSE)
    pending = preview.pending_id
    offer = next(d for t, d in preview.buttons if t == "➕ Thêm dòng 36")
    await send(svc, leader, callback=offer)
    [asked] = await send(svc, leader, callback=f"imp:ok:{pending}:1")
    assert "#7 Phòng Dân tộc" in asked.text and "không được giao" in asked.text
    await link(svc.store, str(leader.id), 903, pending_id=pending)
    [fixed] = await send(svc, leader, text="#7 đơn vị Phòng Nội vụ", reply_to_message_id=903)
    assert "#7: giao cho Phòng Nội vụ" in fixed.text
    [done] = await send(svc, leader, callback=f"imp:ok:{pending}:2")
    assert "Đã lưu 1 văn bản mới" in done.text
    interior = await svc.store.tasks_of_units([roster["Phan Quốc Bảo"].unit_id])
    assert [t.title for t in interior][-1].startswith("Phòng Dân tộc tổng hợp")
    # Words added in review are not remembered as another name of the unit.
    assert name_key("Phòng Dân tộc") not in {key for key, _ in await svc.store.aliases()}


async def _unit(svc: Services, name: str) -> int:
    return next(u.id for u in await svc.store.units() if u.name == name)


async def test_a_corrected_version_keeps_a_coordinators_task_and_its_lead(
    svc: Services, roster: dict[str, Official]
) -> None:
    leader, mai = roster["Nguyễn Minh Trí"], roster["Huỳnh Ngọc Mai"]
    [first] = await send_file(svc, leader)
    assert "↳ phối hợp với #2 Phòng Tài chính - Kế hoạch" in first.text
    await send(svc, leader, callback=f"imp:ok:{first.pending_id}:0")
    [helper] = [t for t in await svc.store.tasks_of_units([mai.unit_id]) if t.role == "coordinate"]
    await send(svc, mai, text=f"/capnhat #{helper.id} đã gửi số liệu")
    # The new version gives culture one more lead task, ahead of the ones it had.
    culture = "1. Phòng Văn hóa, Khoa học và Thông tin\n".encode()
    extra = "- Chủ trì rà soát dịch vụ công trực tuyến, hoàn thành trước ngày 10/12/2026.\n"
    [second] = await send_file(svc, leader, PLAN.replace(culture, culture + extra.encode()))
    # The added task is the only change: the others pair with themselves by their text.
    assert "thêm 1, sửa 0, bỏ 0 nhiệm vụ" in second.text
    await send(svc, leader, callback=f"imp:ok:{second.pending_id}:0")
    kept = await svc.store.task(helper.id)
    lead = await svc.store.lead_of(helper.id)
    assert kept is not None and kept.role == "coordinate" and kept.last_note == "đã gửi số liệu"
    assert lead is not None and lead.unit_name == "Phòng Tài chính - Kế hoạch"
