"""The directive chain, corrected versions and unit aliases."""

from __future__ import annotations

import pytest

from bot.domain import Official, TaskStatus
from bot.importer import apply_import, describe, plan_import, read_directive_file
from bot.names import name_key
from storage import Store
from tests.conftest import EXAMPLES, Clock, unit_id

PROGRAM = read_directive_file(EXAMPLES / "directives" / "huyen-uy-my-xuyen-69-ctr-hu.txt")
PLAN = read_directive_file(EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt")


async def _import(store: Store, clock: Clock, text: str) -> list[int]:
    return (await apply_import(store, await plan_import(store, text), clock())).directive_ids


async def _district_task(store: Store, directive_id: int) -> int:
    district = await unit_id(store, "Ủy ban nhân dân huyện Mỹ Xuyên")
    tasks = await store.tasks_of_units([district])
    return next(t.id for t in tasks if t.directive_id == directive_id and t.role == "lead")


@pytest.mark.parametrize("parent_first", [True, False])
async def test_tasks_roll_up_under_the_parent_task_of_the_issuing_unit(
    store: Store, clock: Clock, roster: dict[str, Official], parent_first: bool
) -> None:
    if parent_first:
        [program] = await _import(store, clock, PROGRAM)
        [plan] = await _import(store, clock, PLAN)
    else:  # the parent arrives later and is linked then
        [plan] = await _import(store, clock, PLAN)
        [program] = await _import(store, clock, PROGRAM)
    assert await store.parent_ids(plan) == [program]
    parent_task = await _district_task(store, program)
    culture = roster["Võ Thanh Tâm"].unit_id
    child = next(t for t in await store.tasks_of_units([culture]) if t.directive_id == plan)
    assert await store.parent_task(child.id) == parent_task


async def test_the_district_program_rolls_up_under_the_province_task(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    province = read_directive_file(EXAMPLES / "directives" / "tinh-uy-soc-trang-66-ctr-tu.txt")
    [program] = await _import(store, clock, PROGRAM)
    [province_id] = await _import(store, clock, province)  # arrives after the district's
    party = await unit_id(store, "Huyện ủy Mỹ Xuyên")
    [province_task] = [
        t for t in await store.tasks_of_units([party]) if t.directive_id == province_id
    ]
    assert province_task.deadline is not None
    district_tasks = await store.tasks_of_directive(program)
    assert district_tasks
    assert {await store.parent_task(t.id) for t in district_tasks} == {province_task.id}


async def test_a_corrected_version_updates_and_keeps_progress(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    [plan] = await _import(store, clock, PLAN)
    finance = roster["Lý Văn Phúc"]
    [task] = [t for t in await store.tasks_of_units([finance.unit_id]) if t.directive_id == plan]
    await store.add_update(
        task_id=task.id,
        official_id=finance.id,
        text="đạt 30%",
        percent=30,
        status=None,
        source=None,
        now=clock(),
    )
    corrected = PLAN.replace("hoàn thành trước ngày 20/12/2026", "hoàn thành trước ngày 28/12/2026")
    plans = await plan_import(store, corrected)
    assert [p.state for p in plans] == ["revised"]
    assert "bản sửa" in describe(plans)
    result = await apply_import(store, plans, clock())
    assert result.added == [] and result.revised[0][0] == plan
    assert result.revised[0][1].kept == len(plans[0].tasks())
    after = await store.task(task.id)
    assert after is not None
    assert after.deadline is not None and after.deadline.isoformat() == "2026-12-28"
    assert (after.last_percent, after.status) == (30, TaskStatus.OPEN)
    assert len(await store.directives()) == 1


async def test_an_alias_resolves_a_unit_name(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    text = PLAN.replace("2. Phòng Tài chính - Kế hoạch", "2. P. TC-KH")
    [plan] = await plan_import(store, text)
    unmatched = [a for a in plan.assignments if a.unmatched]
    assert [a.parsed.unit for a in unmatched] == ["P. TC-KH"]
    finance = await unit_id(store, "Phòng Tài chính - Kế hoạch")
    assert await store.add_alias("P. TC-KH", name_key("P. TC-KH"), finance) == "added"
    assert await store.add_alias("P. TC-KH", name_key("P. TC-KH"), finance) == "unchanged"
    [plan] = await plan_import(store, text)
    assert not any(a.unmatched for a in plan.assignments)


async def test_unmatched_names_come_with_close_candidates(
    store: Store, roster: dict[str, Official]
) -> None:
    text = PLAN.replace("2. Phòng Tài chính - Kế hoạch", "2. Phòng Tài chánh - Kế hoạch")
    [plan] = await plan_import(store, text)
    hints = dict(h for a in plan.assignments for h in a.hints)
    assert hints["Phòng Tài chánh - Kế hoạch"][0] == "Phòng Tài chính - Kế hoạch"
