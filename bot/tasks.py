"""Rules about tasks: whose they are, their order of urgency, recording progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain import Official, Progress, TaskStatus, TaskView
from storage import Store

_URGENCY = {
    Progress.OVERDUE: 0,
    Progress.BLOCKED: 1,
    Progress.NO_REPORT: 2,
    Progress.IN_PROGRESS: 2,
    Progress.DONE: 3,
}


class TaskError(Exception):
    """A request about a task that cannot be carried out; `code` names the message."""

    def __init__(self, code: str, **context: object) -> None:
        super().__init__(code)
        self.code = code
        self.context = context


def by_urgency(tasks: Iterable[TaskView], today: date) -> list[TaskView]:
    """Overdue first, then by nearest deadline; tasks without a deadline, then done ones, last."""
    return sorted(
        tasks,
        key=lambda t: (
            _URGENCY[t.progress(today)],
            t.deadline is None,
            t.deadline or date.max,
            t.id,
        ),
    )


async def task_of(store: Store, official: Official, task_id: int) -> TaskView:
    """The task, if it belongs to the official's unit; else raise TaskError."""
    task = await store.task(task_id)
    # Someone else's task is answered like a missing one: ids reveal nothing.
    if task is None or task.unit_id != official.unit_id:
        raise TaskError("no_such_task", task_id=task_id)
    return task


async def can_see(store: Store, official: Official, task: TaskView) -> bool:
    """Officials see their unit's tasks; leaders their subtree's; admins everything."""
    if task.unit_id == official.unit_id or official.role == "admin":
        return True
    return official.is_leader and task.unit_id in await store.subtree(official.unit_id)


async def can_set_deadline(store: Store, official: Official, task: TaskView) -> bool:
    """Heads set deadlines of their own unit's tasks; leaders of their subtree; admins all."""
    if official.role == "admin":
        return True
    if official.role == "head":
        return task.unit_id == official.unit_id
    if official.is_leader:
        return task.unit_id in await store.subtree(official.unit_id)
    return False


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks a list shows: all, overdue, due this week, or one directive's."""

    key: str
    directive_ids: tuple[int, ...] = ()

    def keeps(self, task: TaskView, today: date) -> bool:
        """Whether `task` belongs in the list on `today`."""
        if self.key == "od":
            return task.progress(today) is Progress.OVERDUE
        if self.key == "w":
            end = today + timedelta(days=6 - today.weekday())
            return (
                task.status is TaskStatus.OPEN
                and task.deadline is not None
                and task.deadline <= end
            )
        if self.key.startswith("d"):
            return task.directive_id in self.directive_ids
        return True


_OVERDUE_WORDS = ("quá hạn", "qua han", "overdue", "trễ hạn")
_WEEK_WORDS = ("tuần này", "tuan nay", "this week", "trong tuần")


async def task_filter(store: Store, args: str) -> TaskFilter | None:
    """The filter `/nhiemvu quá hạn | tuần này | 412/KH-UBND` asks for; None when unknown."""
    words = " ".join(args.lower().split())
    if not words:
        return TaskFilter("all")
    if words in _OVERDUE_WORDS:
        return TaskFilter("od")
    if words in _WEEK_WORDS:
        return TaskFilter("w")
    found = await store.directive_by_code(args)
    if found:
        return TaskFilter(f"d{found[0]}", tuple(found))
    return None


def filter_of_key(key: str) -> TaskFilter:
    """The filter a paging button carries ("all", "od", "w", "d<directive id>")."""
    if key.startswith("d") and key[1:].isdigit():
        return TaskFilter(key, (int(key[1:]),))
    return TaskFilter(key if key in ("od", "w") else "all")
