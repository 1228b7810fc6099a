"""Coordinating units' tasks, linked to the lead task they share: stored, revised, followed up."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from bot.domain import Official, TaskView
from bot.importer import apply_import, describe, plan_import
from bot.reports.later import made
from bot.services import Services
from bot.sweep import sweep
from bot.transports import Request
from handlers import dispatch
from storage import NewTask, Store
from tests.conftest import ENGINES, EXAMPLES, TZ, Clock, add_directive
from tests.test_review import LOOSE

PLAN = (EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt").read_text("utf-8")
CULTURE = "Phòng Văn hóa, Khoa học và Thông tin"
FINANCE = "Phòng Tài chính - Kế hoạch"


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


async def _import(store: Store, clock: Clock, text: str = PLAN) -> int:
    result = await apply_import(store, await plan_import(store, text), clock())
    return result.directive_ids[0]


def _only(tasks: list[TaskView], unit: str, role: str) -> TaskView:
    [task] = [t for t in tasks if t.unit_name == unit and t.role == role]
    return task


async def test_a_coordinator_task_points_at_its_lead(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    plans = await plan_import(store, PLAN)
    shown = describe(plans)
    assert f"#6 {CULTURE} — phối hợp — 20/12/2026" in shown
    assert f"phối hợp với #2 {FINANCE}" in shown
    tasks = await store.tasks_of_directive(await _import(store, clock))
    lead = _only(tasks, FINANCE, "lead")
    helper = _only(tasks, CULTURE, "coordinate")
    linked = await store.lead_of(helper.id)
    assert linked is not None and linked.id == lead.id
    assert [t.id for t in await store.coordinators_of(lead.id)] == [helper.id]
    # Culture also leads two tasks of its own; neither shares anyone's lead.
    for task in tasks:
        if task.id != helper.id:
            assert await store.lead_of(task.id) is None


async def test_a_corrected_version_keeps_the_link_and_the_progress(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    directive = await _import(store, clock)
    before = await store.tasks_of_directive(directive)
    helper = _only(before, CULTURE, "coordinate")
    await store.add_update(
        task_id=helper.id,
        official_id=roster["Huỳnh Ngọc Mai"].id,
        text="đã gửi số liệu",
        percent=40,
        status=None,
        source=None,
        now=clock(),
    )
    # The new version gives culture one more lead task ahead of the others and a new date.
    corrected = PLAN.replace("20/12/2026", "28/12/2026").replace(
        f"1. {CULTURE}\n",
        f"1. {CULTURE}\n- Chủ trì rà soát danh mục dịch vụ công trực tuyến, hoàn thành trước"
        " ngày 10/12/2026.\n",
    )
    assert await _import(store, clock, corrected) == directive
    after = await store.tasks_of_directive(directive)
    kept = _only(after, CULTURE, "coordinate")
    assert kept.id == helper.id and kept.last_note == "đã gửi số liệu"
    assert kept.deadline == date(2026, 12, 28)
    lead = await store.lead_of(kept.id)
    assert lead is not None and lead.id == _only(after, FINANCE, "lead").id


async def test_a_lead_in_a_stored_list_links_by_position(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    finance, culture = roster["Lý Văn Phúc"].unit_id, roster["Huỳnh Ngọc Mai"].unit_id
    directive = await add_directive(
        store,
        clock(),
        [
            NewTask(culture, "coordinate", "Phối hợp lập dự toán", lead=1),
            NewTask(finance, "lead", "Lập dự toán"),
            NewTask(culture, "coordinate", "Phối hợp, không rõ chủ trì", lead=9),
        ],
    )
    first, lead, stray = await store.tasks_of_directive(directive)
    assert [t.id for t in await store.coordinators_of(lead.id)] == [first.id]
    assert await store.lead_of(stray.id) is None


async def test_linked_coordinators_are_reminded_gently_and_never_escalated(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
    tasks = await store.tasks_of_directive(await _import(store, clock))
    lead, helper = _only(tasks, FINANCE, "lead"), _only(tasks, CULTURE, "coordinate")
    assert (await store.lead_of(helper.id)) is not None
    # Four weeks past the shared deadline of 20/12/2026: well past both escalation steps.
    clock.set_local(date(2027, 1, 18), 9)
    await sweep(svc)
    kinds: dict[int, set[str]] = {}
    for task_id, _, kind, _, _ in await store.nudge_states():
        kinds.setdefault(task_id, set()).add(kind)
    assert {"escalate-head", "escalate-leader"} <= kinds[lead.id]
    assert any(k.startswith("overdue") for k in kinds[helper.id])
    assert not any(k.startswith("escalate") for k in kinds[helper.id])


def _docx_cells(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return [c.text for table in doc.tables for row in table.rows for c in row.cells]


async def test_summary_and_report_show_coordinators_under_their_lead(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    culture, finance = roster["Huỳnh Ngọc Mai"].unit_id, roster["Lý Văn Phúc"].unit_id
    overdue = date(2026, 11, 20)
    directive = await add_directive(
        store,
        clock(),
        [
            NewTask(culture, "lead", "Dự thảo kế hoạch", deadline=overdue),
            NewTask(finance, "coordinate", "Phối hợp bố trí kinh phí", deadline=overdue, lead=0),
        ],
    )
    lead, helper = await store.tasks_of_directive(directive)
    await store.add_update(
        task_id=helper.id,
        official_id=roster["Lý Văn Phúc"].id,
        text="đã gửi dự toán",
        percent=40,
        status=None,
        source=None,
        now=clock(),
    )
    clock.set_local(date(2026, 12, 1))
    svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
    leader = roster["Nguyễn Minh Trí"]
    [summary] = await dispatch(svc, Request("console", str(leader.id), str(leader.id), "/tonghop"))
    assert f"phối hợp: Phòng Tài chính - Kế hoạch #{helper.id} — 40% · “đã gửi dự toán”" in (
        summary.text
    )
    assert "Phòng Tài chính - Kế hoạch · 412/KH-UBND · quá hạn" in summary.text
    assert f"· phối hợp với #{lead.id}" in summary.text

    [report] = await dispatch(svc, Request("console", str(leader.id), str(leader.id), "/baocao"))
    cells = _docx_cells((await made(svc, report.files))[0].data)
    # By unit name finance would come first; it sits under the task it coordinates on.
    first = cells.index("Phòng Văn hóa, Khoa học và Thông tin")
    assert f"↳ Phòng Tài chính - Kế hoạch (phối hợp với #{lead.id})" in cells[first:]


async def test_the_command_line_preview_offers_the_sentences_too(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    shown = describe(await plan_import(store, LOOSE.decode()))
    assert "Có thể là nhiệm vụ (không được giao ở đây; gửi tệp trong chat để thêm):" in shown
    assert "    dòng 32: Phòng Y tế xây dựng kế hoạch ứng dụng hồ sơ sức khỏe điện tử" in shown
    assert "dòng 36:" in shown and "dòng 37:" not in shown and "và 1 câu khác" in shown
