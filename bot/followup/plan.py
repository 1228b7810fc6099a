"""What one task is owed at an instant, and when to look at it again.

A pure function of the task, its stored cycle and the clock: the sweep calls it for each task
the due index says is due, claims what it returns, and stores `next_at` back in the index.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.dates import local_today
from bot.domain import TaskStatus, TaskView
from bot.followup import cycles
from bot.followup.calendar import add_working_days, at_hour, next_working_time
from bot.followup.rules import Rules
from bot.nudges import slots

# "importer": the official who confirmed the import, else the leader.
Audience = Literal["unit", "head", "leader", "importer"]


@dataclass(frozen=True)
class TaskState:
    """A task as the due index sees it: the task, how it recurs, its open cycle."""

    task: TaskView
    recurrence: str | None
    created_at: datetime
    cycle: str | None = None
    cycle_since: datetime | None = None
    # The index's instant as stored: a state read again compares equal only if nothing moved.
    next_at: str = ""


@dataclass(frozen=True)
class Owed:
    """One message owed about a task: its kind, cycle, audience and what it says."""

    kind: str
    cycle: str
    audience: Audience
    days: int  # days left before the due day; negative: days overdue
    due_on: date | None
    gentle: bool = False


@dataclass(frozen=True)
class TaskPlan:
    """What to owe now, what was missed (recorded, not sent), and when to look again."""

    owed: tuple[Owed, ...]
    superseded: tuple[Owed, ...]
    next_at: datetime | None
    cycle: str | None
    cycle_since: datetime | None


@dataclass(frozen=True)
class _Event:
    at: datetime
    owed: Owed


@dataclass(frozen=True)
class Engine:
    """The settings planning depends on."""

    rules: Rules
    nudge_days: tuple[int, ...]
    nudge_hour: int
    tz: ZoneInfo


def plan_task(state: TaskState, now: datetime, eng: Engine) -> TaskPlan:
    """The follow-up of one task at `now`."""
    task = state.task
    if task.status is TaskStatus.DONE:
        return TaskPlan((), (), None, state.cycle, state.cycle_since)
    today = local_today(now, eng.tz)
    events: list[_Event] = []
    cycle_key, since = state.cycle, state.cycle_since
    period = cycles.period_of(state.recurrence)
    deadline: date | None
    if period is not None:
        current, since = _open_cycle(state, period, today, eng)
        deadline, cycle_key = current.due, current.key
        if state.recurrence == cycles.UNSPECIFIED:
            events.append(_setup("setup-period", state, eng))
        # The next cycle takes over once its first reminder is due, reported or not.
        following = cycles.next_cycle(current, task.deadline, eng.rules.report_grace_days)
        events.append(_Event(_first_slot(following.due, eng), _ROLLOVER))
    elif task.deadline is not None:
        deadline, cycle_key, since = task.deadline, task.deadline.isoformat(), None
    else:
        deadline, cycle_key, since = None, None, None
        events.append(_setup("setup-deadline", state, eng))
        events += _checkins(state, today, eng)
    if deadline is not None:
        assert cycle_key is not None
        events += _deadline_events(task, deadline, cycle_key, today, eng)
    return _split(events, now, eng, cycle_key, since)


_ROLLOVER = Owed("rollover", "", "unit", 0, None)  # no message: only a time to look again


def _open_cycle(
    state: TaskState, period: str, today: date, eng: Engine
) -> tuple[cycles.Cycle, datetime]:
    named, grace = state.task.deadline, eng.rules.report_grace_days
    current = None
    if state.cycle is not None and cycles.period_of_key(state.cycle) == period:
        current = cycles.from_key(state.cycle, named, grace)
    since = state.cycle_since or state.created_at
    if current is None:
        start = max(local_today(state.created_at, eng.tz), today if state.cycle else date.min)
        current, since = cycles.first_cycle(period, start, named, grace), state.created_at
    last = state.task.last_update_at
    if last is not None and last >= since:
        # A note during a cycle closes it; notes before the next one's due day count for that.
        end_of_due = at_hour(current.due + timedelta(days=1), 0, eng.tz)
        since = max(last + timedelta(seconds=1), end_of_due)
        current = cycles.next_cycle(current, named, grace)
    while True:
        following = cycles.next_cycle(current, named, grace)
        if _first_slot(following.due, eng).date() > today:
            return current, since
        current = following  # this cycle went unreported; the next one is open now


def _first_slot(due: date, eng: Engine) -> datetime:
    return slots(due, eng.nudge_days, eng.nudge_hour, eng.tz)[0].due_at


def _setup(kind: str, state: TaskState, eng: Engine) -> _Event:
    at = next_working_time(state.created_at, eng.rules, eng.tz)
    return _Event(at, Owed(kind, "setup", "importer", 0, None))


def _checkins(state: TaskState, today: date, eng: Engine) -> list[_Event]:
    last = state.task.last_update_at
    base_at = max(state.created_at, last) if last is not None else state.created_at
    base = local_today(base_at, eng.tz)
    every = max(eng.rules.checkin_days, 1)
    found, k, day = [], 1, base
    while True:
        day = add_working_days(day, every)
        owed = Owed(f"checkin-{k}", base.isoformat(), "unit", 0, None)
        found.append(_Event(at_hour(day, eng.nudge_hour, eng.tz), owed))
        if day > today:
            return found
        k += 1


def _deadline_events(
    task: TaskView, deadline: date, cycle: str, today: date, eng: Engine
) -> list[_Event]:
    rules, gentle = eng.rules, task.role == "coordinate"
    found = []
    for slot in slots(deadline, eng.nudge_days, eng.nudge_hour, eng.tz):
        if slot.kind == "overdue":
            break
        found.append(
            _Event(slot.due_at, Owed(slot.kind, cycle, "unit", slot.days, deadline, gentle))
        )
    first = slots(deadline, eng.nudge_days, eng.nudge_hour, eng.tz)[-1].due_at.date()
    every = max(rules.overdue_every * (2 if gentle else 1), 1)
    # Of the repeats up to today only the latest due one is sent (the others are dropped, not
    # missed), so only the last two up to today and the next one become events: a task
    # overdue for a year costs no more to plan than one overdue for a week.
    repeats: deque[tuple[int, date]] = deque(maxlen=3)
    k, day = 1, first
    while True:
        repeats.append((k, day))
        if day > today:
            break
        k, day = k + 1, add_working_days(day, every)
    for k, day in repeats:
        kind = "overdue" if k == 1 else f"overdue-{k}"
        owed = Owed(kind, cycle, "unit", -(day - deadline).days, deadline, gentle)
        found.append(_Event(at_hour(day, eng.nudge_hour, eng.tz), owed))
    if not gentle:  # coordinating units are never escalated
        steps: tuple[tuple[str, int, Audience], ...] = (
            ("escalate-head", rules.escalate_head_after, "head"),
            ("escalate-leader", rules.escalate_leader_after, "leader"),
        )
        for kind, after, audience in steps:
            day = add_working_days(deadline, after)
            owed = Owed(kind, cycle, audience, -(max(day, today) - deadline).days, deadline)
            found.append(_Event(at_hour(day, eng.nudge_hour, eng.tz), owed))
    return found


def _split(
    events: Sequence[_Event], now: datetime, eng: Engine, cycle: str | None, since: datetime | None
) -> TaskPlan:
    due = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
    later = [e.at for e in events if e.at > now]
    # Of the reminders to the unit only the latest due one goes; the others were missed.
    to_unit = [e.owed for e in due if e.owed.audience == "unit" and e.owed is not _ROLLOVER]
    owed = [e.owed for e in due if e.owed.audience != "unit"]
    if to_unit:
        owed.insert(0, to_unit[-1])
    missed = tuple(o for o in to_unit[:-1] if o.kind.startswith(("before-", "due")))
    next_at = next_working_time(min(later), eng.rules, eng.tz) if later else None
    return TaskPlan(tuple(owed), missed, next_at, cycle, since)
