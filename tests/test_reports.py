"""Leader reports: scope and period, the figures against the store, chat, chart, Word, Excel."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from bot.cli import run_cli
from bot.config import Settings
from bot.domain import Official, TaskStatus
from bot.reports.figures import gather
from bot.reports.later import made
from bot.reports.period import Period, current_period, find_period
from bot.reports.scope import Scope
from bot.services import Services
from bot.summary import compose
from bot.transports import Reply, Request
from handlers import dispatch
from storage import NewTask, Store
from tests.conftest import ENGINES, TZ, Chat, Clock, add_directive, unit_id

TODAY = date(2026, 12, 1)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.mark.parametrize(
    ("text", "start", "end", "rest"),
    [
        ("tháng 3", date(2026, 3, 1), date(2026, 3, 31), ""),
        ("quý I/2027", date(2027, 1, 1), date(2027, 3, 31), ""),
        ("412/KH-UBND quý II năm 2026", date(2026, 4, 1), date(2026, 6, 30), "412/KH-UBND"),
        ("6 tháng đầu năm", date(2026, 1, 1), date(2026, 6, 30), ""),
        ("6 tháng cuối năm 2025", date(2025, 7, 1), date(2025, 12, 31), ""),
        ("năm 2027", date(2027, 1, 1), date(2027, 12, 31), ""),
        ("tuần này", date(2026, 11, 30), date(2026, 12, 6), ""),
        ("Phòng Nội vụ tháng 11/2026", date(2026, 11, 1), date(2026, 11, 30), "Phòng Nội vụ"),
        ("quý này", date(2026, 10, 1), date(2026, 12, 31), ""),
        ("tháng trước", date(2026, 11, 1), date(2026, 11, 30), ""),
    ],
)
def test_periods_as_leaders_name_them(text: str, start: date, end: date, rest: str) -> None:
    period, left = find_period(text, TODAY)
    assert period == Period(start, end)
    assert left == rest


def test_no_period_named_and_the_current_reporting_period() -> None:
    assert find_period("Phòng Nội vụ", TODAY) == (None, "Phòng Nội vụ")
    # Nghị định 09/2019: monthly figures close on the 14th.
    assert current_period(TODAY) == Period(date(2026, 11, 15), date(2026, 12, 14))
    assert current_period(date(2026, 12, 15)) == Period(date(2026, 12, 15), date(2027, 1, 14))
    assert Period(date(2027, 1, 1), date(2027, 3, 31)).label == "quý I/2027"
    assert Period.from_key(Period(date(2026, 1, 1), date(2026, 6, 30)).key) == Period(
        date(2026, 1, 1), date(2026, 6, 30)
    )


async def _directive(
    store: Store,
    code: str,
    issuer_unit: int | None,
    tasks: list[NewTask],
    parents: tuple[str, ...] = (),
) -> int:
    when = datetime(2026, 11, 10, tzinfo=UTC)
    return await add_directive(store, when, tasks, code, issuer_unit=issuer_unit, parents=parents)


def _at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 3, tzinfo=UTC)


@pytest.fixture
async def chain(store: Store, clock: Clock, roster: dict[str, Official]) -> dict[str, int]:
    """A provincial programme, the district plan and the district party programme under it.

    On 1/12/2026 the district leader's scope holds six tasks: one done on time, one done late,
    one overdue (40 %), one blocked, and two without a report this period (one of them for
    Phòng Y tế, which has nobody to write to, due in four days).
    """
    ubnd = await unit_id(store, "Ủy ban nhân dân huyện Mỹ Xuyên")
    party = await unit_id(store, "Huyện ủy Mỹ Xuyên")
    culture = roster["Võ Thanh Tâm"].unit_id
    finance = roster["Lý Văn Phúc"].unit_id
    health = await unit_id(store, "Phòng Y tế")
    propaganda = await unit_id(store, "Ban Tuyên giáo Huyện ủy")
    province = await unit_id(store, "Tỉnh ủy Sóc Trăng")
    await _directive(
        store,
        "66-CTr/TU",
        province,
        [NewTask(party, "lead", "Quán triệt Kết luận"), NewTask(ubnd, "lead", "Xây dựng kế hoạch")],
    )
    await _directive(
        store,
        "412/KH-UBND",
        ubnd,
        [
            NewTask(culture, "lead", "Dự thảo kế hoạch\nchi tiết", deadline=date(2026, 11, 30)),
            NewTask(culture, "coordinate", "Phối hợp tuyên truyền"),
            NewTask(finance, "lead", "Bố trí kinh phí", deadline=date(2026, 12, 20)),
            NewTask(finance, "lead", "Rà soát nguồn vốn", deadline=date(2026, 11, 12)),
            NewTask(health, "lead", "Ứng dụng y tế số", deadline=date(2026, 12, 5)),
        ],
        parents=("66-CTr/TU",),
    )
    await _directive(
        store,
        "69-CTr/HU",
        party,
        [NewTask(propaganda, "lead", "Tuyên truyền Kết luận")],
        parents=("66-CTr/TU",),
    )
    ids = {t.title: t.id for t in await store.tasks_of_units([u.id for u in await store.units()])}
    mai, phuc = roster["Huỳnh Ngọc Mai"].id, roster["Lý Văn Phúc"].id
    ngoc = roster["Lâm Thị Bích Ngọc"].id

    async def note(task: str, who: int, text: str, at: datetime, **kw: object) -> None:
        await store.add_update(
            task_id=ids[task],
            official_id=who,
            text=text,
            percent=kw.get("percent"),  # type: ignore[arg-type]
            status=kw.get("status"),  # type: ignore[arg-type]
            source=None,
            now=at,
        )

    await note("Dự thảo kế hoạch", mai, "đạt 40%", _at(20), percent=40)
    await note("Phối hợp tuyên truyền", mai, "vướng kinh phí in ấn", _at(21))
    await note("Bố trí kinh phí", phuc, "đã xong", _at(18), status=TaskStatus.DONE, percent=100)
    await note("Rà soát nguồn vốn", phuc, "xong", _at(16), status=TaskStatus.DONE, percent=100)
    await note("Tuyên truyền Kết luận", ngoc, "đạt 50%", _at(22), percent=50)
    clock.set_local(TODAY)
    return ids


def _ask(svc: Services, official: Official, text: str = "", callback: str | None = None) -> Request:
    return Request(
        platform="console",
        user_id=str(official.id),
        chat_id=str(official.id),
        text=text,
        message_id=1,
        callback=callback,
    )


async def _one(svc: Services, official: Official, text: str) -> Reply:
    replies = await dispatch(svc, _ask(svc, official, text))
    assert len(replies) == 1
    return replies[0]


async def test_counts_for_a_leader_match_the_store(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    reply = await _one(svc, roster["Nguyễn Minh Trí"], "/tonghop")
    assert "Ủy ban nhân dân huyện Mỹ Xuyên · 15/11/2026 – 14/12/2026" in reply.text
    assert (
        "Tổng 6 nhiệm vụ: ✅ xong đúng hạn 1 · ☑️ xong trễ hạn 1 · 🔄 đang thực hiện 1"
        " · ⛔ quá hạn 1 · ⚪ chưa báo cáo kỳ này 2" in reply.text
    )
    assert "⏰ đến hạn trong 7 ngày 1 · 🚧 vướng mắc 1 · 📵 không liên lạc được 1" in reply.text
    # What needs the leader comes after the counts: overdue first, then blocked, then silence.
    overdue = reply.text.index(f"⛔ <b>#{chain['Dự thảo kế hoạch']}</b>")
    blocked = reply.text.index(f"🚧 <b>#{chain['Phối hợp tuyên truyền']}</b>")
    silent = reply.text.index("Đơn vị chưa báo cáo kỳ này")
    assert reply.text.index("Tổng 6") < overdue < blocked < silent
    assert "quá hạn 1 ngày (hạn 30/11/2026)" in reply.text
    assert "↳ 40% · “đạt 40%” (20/11/2026)" in reply.text
    assert "“vướng kinh phí in ấn” (21/11/2026)" in reply.text
    assert "📵 Chưa liên lạc được qua chat: Phòng Y tế" in reply.text
    # The chart goes with it: its figures, drawn into a photo when the message is sent.
    (chart,) = reply.files
    spec = json.loads(chart.data)
    assert chart.kind == "chart" and spec["title"].startswith("Ủy ban nhân dân huyện Mỹ Xuyên")
    assert sum(sum(unit[1:]) for unit in spec["units"]) == 6
    (photo,) = await made(svc, reply.files)
    assert photo.kind == "photo" and photo.data.startswith(b"\x89PNG")


async def test_a_leader_never_sees_outside_their_subtree(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    summary = await _one(svc, leader, "/tonghop 66-CTr/TU")
    assert "Ban Tuyên giáo" not in summary.text and "Huyện ủy" not in summary.text
    report = await _one(svc, leader, "/baocao 66-CTr/TU")
    docx, xlsx = await made(svc, report.files)
    text = _docx_text(docx.data)
    assert "Ban Tuyên giáo" not in text and "Tuyên truyền Kết luận" not in text
    units = {row[2] for row in load_workbook(io.BytesIO(xlsx.data)).worksheets[0].values}
    assert "Ban Tuyên giáo Huyện ủy" not in units and "Huyện ủy Mỹ Xuyên" not in units
    outside = await _one(svc, leader, "/tonghop Ban Tuyên giáo Huyện ủy")
    assert "không thuộc phạm vi" in outside.text and not outside.files


async def test_members_get_their_own_unit_and_admins_everything(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    member = await _one(svc, roster["Huỳnh Ngọc Mai"], "/tonghop")
    assert "Phòng Văn hóa, Khoa học và Thông tin" in member.text
    assert "Tổng 2 nhiệm vụ" in member.text and "Phòng Tài chính" not in member.text
    assert (
        "không thuộc phạm vi"
        in (await _one(svc, roster["Huỳnh Ngọc Mai"], "/tonghop Phòng Y tế")).text
    )
    admin = await _one(svc, roster["Đỗ Thị Hạnh"], "/tonghop")
    assert "toàn bộ tổ chức" in admin.text and "Tổng 8 nhiệm vụ" in admin.text


async def test_unknown_scope_and_future_period_get_clear_answers(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    leader = roster["Nguyễn Minh Trí"]
    unknown = await _one(svc, leader, "/tonghop Phòng Nội vu")
    assert "Không tìm thấy văn bản hay đơn vị “Phòng Nội vu”" in unknown.text
    assert "Có phải: Phòng Nội vụ" in unknown.text
    assert "chưa bắt đầu" in (await _one(svc, leader, "/baocao năm 2027")).text


async def test_a_unit_and_a_period(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    text = (await _one(svc, roster["Nguyễn Minh Trí"], "/tonghop Phòng Tài chính - Kế hoạch")).text
    assert "Tổng 2 nhiệm vụ: ✅ xong đúng hạn 1 · ☑️ xong trễ hạn 1" in text
    # In October nothing had been assigned yet.
    october = (await _one(svc, roster["Nguyễn Minh Trí"], "/tonghop tháng 10")).text
    assert "tháng 10/2026" in october and "Chưa có nhiệm vụ nào" in october
    # At the end of November the draft was still on time, and finance had finished both.
    november = (await _one(svc, roster["Nguyễn Minh Trí"], "/tonghop tháng 11")).text
    assert "đến 30/11/2026" in november
    assert "⛔ quá hạn 0" in november and "xong trễ hạn 1" in november


async def test_progress_rolls_up_the_chain(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    text = (await _one(svc, roster["Đỗ Thị Hạnh"], "/tonghop 66-CTr/TU")).text
    assert "Theo chuỗi văn bản" in text
    # Weighted by role (lead 2, coordinate 1): (2·40 + 1·0 + 2·100 + 2·100 + 2·0) / 9 = 53.
    plan = chain["Xây dựng kế hoạch"]
    assert f"• #{plan} Ủy ban nhân dân huyện Mỹ Xuyên — 53% · 5 nhiệm vụ cấp dưới" in text
    assert (
        f"• #{chain['Quán triệt Kết luận']} Huyện ủy Mỹ Xuyên — 50% · 1 nhiệm vụ cấp dưới" in text
    )


async def test_a_long_summary_is_collapsed_into_parts_with_buttons(
    svc: Services, store: Store, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    culture = roster["Võ Thanh Tâm"].unit_id
    finance = roster["Lý Văn Phúc"].unit_id
    for n in range(6):
        await _directive(
            store,
            f"{500 + n}/KH-UBND",
            None,
            [
                NewTask(
                    unit, "lead", f"Nhiệm vụ dài số {k} " + "rất cần làm " * 20, date(2026, 11, 1)
                )
                for k, unit in enumerate([culture, finance] * 5)
            ],
        )
    leader = roster["Nguyễn Minh Trí"]
    reply = await _one(svc, leader, "/tonghop")
    assert len(reply.text) <= 3500
    assert "Theo văn bản</b> (bấm để mở từng phần)" in reply.text
    assert "… và" in reply.text
    # Every attention block shown is whole: heading, task text, latest note.
    lines = reply.text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(("⛔ <b>#", "🚧 <b>#")):
            assert lines[i + 2].startswith("↳ ")
    shown = sum(line.startswith(("⛔ <b>#", "🚧 <b>#")) for line in lines)
    assert f"… và {60 + 2 - shown} nhiệm vụ cần chú ý khác" in reply.text
    labels = [label for label, _ in reply.buttons]
    assert any("500/KH-UBND" in label for label in labels)
    data = dict(reply.buttons)[next(label for label in labels if "500/KH-UBND" in label)]
    assert data.startswith("sum:") and len(data.encode()) <= 64
    opened = await dispatch(svc, _ask(svc, leader, callback=data))
    assert "500/KH-UBND" in opened[0].text and "Tổng 10 nhiệm vụ" in opened[0].text
    # A member pressing the same button sees nothing of the other unit.
    other = await dispatch(svc, _ask(svc, roster["Huỳnh Ngọc Mai"], callback=data))
    assert "Phòng Tài chính" not in other[0].text


async def test_compose_never_exceeds_the_limit(
    svc: Services, store: Store, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    units = frozenset(u.id for u in await store.units())
    figures = await gather(store, Scope("x", units), current_period(TODAY), svc.now(), TZ)
    for limit in (900, 1200, 3500):
        assert len(compose(figures, "vi", TZ, limit=limit).text) <= limit


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


async def test_word_report_follows_decree_30(
    svc: Services,
    roster: dict[str, Official],
    chain: dict[str, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    reply = await _one(svc, roster["Nguyễn Minh Trí"], "/baocao")
    # The answer holds what to build; the files are built when it is sent, after its text,
    # in the building process (which reads the database itself), not in this one.
    assert {f.kind for f in reply.files} == {"report"}
    caplog.set_level(logging.WARNING, logger="bot.workers")
    docx, xlsx = await made(svc, reply.files)
    assert not caplog.records
    assert docx.name.endswith(".docx") and xlsx.name.endswith(".xlsx")
    assert {docx.kind, xlsx.kind} == {"document"}
    doc = Document(io.BytesIO(docx.data))
    page = doc.sections[0]
    assert abs(page.page_width - Mm(210)) < Mm(1) and abs(page.page_height - Mm(297)) < Mm(1)
    assert 20 <= page.top_margin.mm <= 25 and 20 <= page.bottom_margin.mm <= 25
    assert 30 <= page.left_margin.mm <= 35 and 15 <= page.right_margin.mm <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    for run in (r for p in doc.paragraphs for r in p.runs if r.text.strip()):
        assert run.font.name in (None, "Times New Roman")
        assert run.font.size is None or 13 <= run.font.size.pt <= 14, run.text

    head = doc.tables[0]
    body, motto = head.cell(0, 0), head.cell(0, 1)
    assert "ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN" in body.text
    assert any(r.bold for p in body.paragraphs for r in p.runs if "ỦY BAN" in r.text)
    assert motto.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert motto.paragraphs[1].text == "Độc lập - Tự do - Hạnh phúc"
    # The rules: under the motto, and under the issuing body.
    assert motto.paragraphs[1]._p.pPr.find(qn("w:pBdr")) is not None
    assert any(
        p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in body.paragraphs
    )
    number, dated = head.cell(1, 0), head.cell(1, 1)
    assert number.text.startswith("Số:") and number.text.endswith("/BC-UBND")
    assert dated.text == "Mỹ Xuyên, ngày 01 tháng 12 năm 2026"
    assert all(r.italic for r in dated.paragraphs[0].runs)

    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert doc.paragraphs[title].runs[0].bold
    assert texts[title + 1].startswith("Kết quả thực hiện các nhiệm vụ được giao")
    sections = [
        "I. TÌNH HÌNH TRIỂN KHAI",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    assert [texts.index(s) for s in sections] == sorted(texts.index(s) for s in sections)
    whole = "\n".join(texts)
    assert "Kế hoạch số 412/KH-UBND ngày 10/11/2026 của Ủy ban nhân dân huyện Mỹ Xuyên" in whole
    assert (
        "đã hoàn thành 2 nhiệm vụ (đúng hạn 1, trễ hạn 1); đang thực hiện 1; quá hạn 1;"
        " chưa báo cáo trong kỳ 2; có vướng mắc 1" in whole
    )
    problems = whole[whole.index(sections[2]) : whole.index(sections[3])]
    assert "“Dự thảo kế hoạch chi tiết” (hạn 30/11/2026) quá hạn 1 ngày" in problems
    # One paragraph per problem, whatever line breaks the task text had.
    assert all(line.startswith("- ") for line in problems.splitlines()[1:])
    assert "Đơn vị báo cáo: “vướng kinh phí in ấn”" in problems
    assert "Phòng Y tế" in problems  # silent, and unreachable

    # Section II: a row per task, with its unit and progress.
    rows = [r for t in doc.tables[1:-1] for r in t.rows[1:]]
    assert len(rows) == 6
    draft = next(r for r in rows if f"#{chain['Dự thảo kế hoạch']}." in r.cells[2].text)
    assert draft.cells[1].text == "Phòng Văn hóa, Khoa học và Thông tin"
    assert draft.cells[3].text == "Quá hạn 1 ngày, đạt 40%. đạt 40% (20/11/2026)"
    plan = next(r for r in rows if f"#{chain['Xây dựng kế hoạch']}." in r.cells[2].text)
    assert "đạt 53%" in plan.cells[3].text  # rolled up from the district plan

    sign = doc.tables[-1]
    assert sign.cell(0, 0).paragraphs[0].text == "Nơi nhận:"
    assert all(r.bold and r.italic for r in sign.cell(0, 0).paragraphs[0].runs)
    assert "TM. ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN" in sign.cell(0, 1).text
    assert sign.cell(0, 1).paragraphs[-1].text == "Nguyễn Minh Trí"


async def test_excel_workbook_a_row_per_task(
    svc: Services, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    _, xlsx = await made(svc, (await _one(svc, roster["Nguyễn Minh Trí"], "/baocao")).files)
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Tất cả nhiệm vụ", "66-CTr-TU", "412-KH-UBND"]
    sheet = book["Tất cả nhiệm vụ"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M7"
    header, *rows = list(sheet.values)
    assert header[:5] == ("Mã", "Văn bản", "Đơn vị", "Vai trò", "Nội dung nhiệm vụ")
    by_id = {row[0]: row for row in rows}
    assert len(rows) == 6
    assert chain["Tuyên truyền Kết luận"] not in by_id and chain["Quán triệt Kết luận"] not in by_id
    draft = by_id[chain["Dự thảo kế hoạch"]]
    assert draft[1:4] == ("412/KH-UBND", "Phòng Văn hóa, Khoa học và Thông tin", "Chủ trì")
    assert draft[5] == datetime(2026, 11, 30)  # noqa: DTZ001 (Excel dates are naive)
    assert draft[7:12] == ("Quá hạn", 40, "đạt 40%", datetime(2026, 11, 20), 1)  # noqa: DTZ001
    assert by_id[chain["Phối hợp tuyên truyền"]][7] == "Đang thực hiện, có vướng mắc"
    assert by_id[chain["Xây dựng kế hoạch"]][8] == 53
    assert len(list(book["412-KH-UBND"].values)) == 6  # header and five tasks
    assert book["412-KH-UBND"].freeze_panes == "A2"


async def test_cli_report_writes_the_three_files(
    store: Store,
    roster: dict[str, Official],
    chain: dict[str, int],
    tmp_path: Path,
    database: Path | str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(_env_file=None, db=database)  # type: ignore[call-arg]
    out = {kind: tmp_path / f"r.{kind}" for kind in ("docx", "xlsx", "png")}
    argv = ["report", "--directive", "412/KH-UBND", "--period", "quý IV/2026"]
    for kind, path in out.items():
        argv += [f"--{kind}", str(path)]
    assert await run_cli(argv, settings) == 0
    printed = capsys.readouterr().out
    assert "412/KH-UBND · quý IV/2026" in printed and "<b>" not in printed
    assert out["png"].read_bytes().startswith(b"\x89PNG")
    assert load_workbook(out["xlsx"]).sheetnames == ["Tất cả nhiệm vụ", "412-KH-UBND"]
    assert "BÁO CÁO" in _docx_text(out["docx"].read_bytes())
    assert await run_cli(["report", "--unit", "Phòng Không Có"], settings) == 2
    assert "Không tìm thấy" in capsys.readouterr().out


async def test_notes_keep_the_task_row_current(
    store: Store, clock: Clock, roster: dict[str, Official], chain: dict[str, int]
) -> None:
    task = await store.task(chain["Dự thảo kế hoạch"])
    assert task is not None and task.last_percent == 40
    await Chat(Services(store=store, tz=TZ, clock=clock), roster["Huỳnh Ngọc Mai"].id).say(
        f"/capnhat #{task.id} đã xong phần lớn, đạt 90%"
    )
    rows = await store.report_tasks(
        __import__("bot.reports.figures", fromlist=["window"]).window(
            Scope("x", frozenset({task.unit_id})), current_period(TODAY), clock(), TZ
        )
    )
    row = next(r for r in rows if r.id == task.id)
    assert (row.percent, row.note, row.notes) == (90, "đã xong phần lớn, đạt 90%", 2)
