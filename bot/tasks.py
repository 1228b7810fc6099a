"""Rules about tasks: whose they are, their order of urgency, recording progress."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.domain import Official, Progress, TaskView
from storage import Store

_URGENCY = {Progress.OVERDUE: 0, Progress.NO_REPORT: 1, Progress.IN_PROGRESS: 1, Progress.DONE: 2}


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
    """Officials see their unit's tasks; leaders and admins their whole subtree's."""
    if task.unit_id == official.unit_id:
        return True
    return official.is_leader and task.unit_id in await store.subtree(official.unit_id)


async def can_set_deadline(store: Store, official: Official, task: TaskView) -> bool:
    """Heads set deadlines of their own unit's tasks; leaders and admins of their subtree."""
    if official.role == "head":
        return task.unit_id == official.unit_id
    if official.is_leader:
        return task.unit_id in await store.subtree(official.unit_id)
    return False
