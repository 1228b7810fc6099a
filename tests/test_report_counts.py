"""A summary's figures, summed per directive and per unit in SQL, agree task by task with the
report's rows, whatever the scope: the whole organisation, a few units, a directive, a past
period."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import Official, TaskStatus
from storage import NewTask, Store
from storage.reports import CountRow, ReportWindow
from tests.conftest import ENGINES, add_directive

NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)
TODAY = date(2026, 12, 1)
WORDS = ("đạt {}%", "vướng kinh phí", "đang hoàn thiện dự thảo", "gặp khó khăn về nhân lực")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


async def _province(store: Store, roster: dict[str, Official]) -> list[int]:
    """Four directives with tasks spread over every unit, notes and completions on them."""
    rng = random.Random(11)
    units = [u.id for u in await store.units()]
    for k in range(4):
        tasks = [
            NewTask(
                units[rng.randrange(len(units))],
                "lead" if n % 3 else "coordinate",
                f"Nhiệm vụ {k}.{n}",
                # Every day from 12 days before today to 12 after: each bound of both windows.
                None if n % 5 == 0 else TODAY + timedelta(days=(n + k) % 25 - 12),
            )
            for n in range(40)
        ]
        await add_directive(store, NOW - timedelta(days=30), tasks, f"{k + 1}/KH-UBND")
    someone = next(iter(roster.values())).id
    task_ids = [t.id for t in await store.tasks_of_units(units)]
    for n in range(150):
        await store.add_update(
            task_id=task_ids[rng.randrange(len(task_ids))],
            official_id=someone,
            text=WORDS[n % 4].format(n),
            percent=n % 100 if n % 4 == 0 else None,
            status=TaskStatus.DONE if n % 7 == 0 else None,
            source=None,
            now=NOW - timedelta(days=rng.randrange(0, 30), minutes=n),
        )
    return units


def _window(
    units: Collection[int], directives: Collection[int] | None = None, *, days_ago: int = 0
) -> ReportWindow:
    end = NOW - timedelta(days=days_ago)
    return ReportWindow(
        unit_ids=units,
        directive_ids=directives,
        start=end - timedelta(days=14),
        end=end,
        as_of=end.date(),
        soon=end.date() + timedelta(days=7),
        utc_offset_minutes=420,
        current=days_ago == 0,
    )


async def _from_rows(store: Store, window: ReportWindow, unreachable: set[int]) -> Counter[str]:
    """The figures counted one task at a time from the report's rows."""
    figures: Counter[str] = Counter()
    for task in await store.report_tasks(window):
        done = task.standing.startswith("done")
        soon = (
            not done and task.deadline is not None and window.as_of <= task.deadline <= window.soon
        )
        for by, key in (("directive", task.directive_id), ("unit", task.unit_id)):
            figures[f"{by} {key} total"] += 1
            figures[f"{by} {key} {task.standing}"] += 1
            figures[f"{by} {key} due_soon"] += soon
            figures[f"{by} {key} blocked"] += task.blocked
            figures[f"{by} {key} urgent"] += task.standing == "overdue" or task.blocked
            figures[f"{by} {key} unreached"] += not done and task.unit_id in unreachable
    return +figures


def _figures(rows: list[CountRow]) -> Counter[str]:
    figures: Counter[str] = Counter()
    for row in rows:
        for name in (
            "total", "done_on_time", "done_late", "overdue", "in_progress", "no_report",
            "due_soon", "blocked", "urgent", "unreached",
        ):  # fmt: skip
            figures[f"{row.by} {row.key} {name}"] += getattr(row, name)
    return +figures


@pytest.mark.parametrize("days_ago", [0, 10])
async def test_the_sums_agree_with_the_rows_for_every_scope(
    store: Store, roster: dict[str, Official], days_ago: int
) -> None:
    units = await _province(store, roster)
    directives = sorted({t.directive_id for t in await store.tasks_of_units(units)})
    unreachable = {units[0], units[3]}
    scopes = {
        "everything": _window(units, days_ago=days_ago),
        "a few units": _window(units[:3], days_ago=days_ago),
        "one directive": _window(units, directives[1:2], days_ago=days_ago),
    }
    for name, window in scopes.items():
        rows = await store.report_counts(window, unreachable)
        assert _figures(rows) == await _from_rows(store, window, unreachable), name
        # Each directive and unit once, and nothing outside the scope.
        keys = [(r.by, r.key) for r in rows]
        assert len(keys) == len(set(keys))
        assert {r.key for r in rows if r.by == "unit"} <= set(window.unit_ids)
    whole = await store.report_counts(scopes["everything"], unreachable)
    assert sum(r.total for r in whole if r.by == "unit") == 160
    assert sum(r.total for r in whole if r.by == "directive") == 160
    assert sum(r.unreached for r in whole) > 0
