"""The frozen dataclasses the Store takes and returns, and the rows they are read from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from bot.domain import Identity, Official, OfficialRole, TaskRole, TaskStatus, TaskView
from storage.base import _date

_TASK_VIEW_SQL = """
SELECT t.id, t.directive_id, d.code, t.unit_id, u.name, t.role, t.text, t.deadline, t.status,
       lu.text, (SELECT percent FROM updates
                 WHERE task_id = t.id AND percent IS NOT NULL ORDER BY id DESC LIMIT 1),
       lu.created_at, lu.status, d.kind, d.issuer, d.issued_on, d.subject
FROM tasks t
JOIN directives d ON d.id = t.directive_id
JOIN units u ON u.id = t.unit_id
LEFT JOIN updates lu ON lu.id = (SELECT MAX(id) FROM updates WHERE task_id = t.id)
"""


@dataclass(frozen=True)
class NewTask:
    """A task to store with a new directive."""

    unit_id: int
    role: TaskRole
    text: str
    deadline: date | None = None
    recurrence: str | None = None
    report_to: str | None = None
    # A coordinating unit's task: the position, in the same directive's task list, of the
    # lead task it shares.
    lead: int | None = None


def match_tasks(
    old: Sequence[tuple[int, int, str, str]], new: Sequence[NewTask]
) -> list[int | None]:
    """For each task of a corrected version, the stored task it continues (by id), if any.

    `old` holds (id, unit id, role, text) in document order. A unit's tasks pair up first
    where the text is unchanged, then in order among those of the same role, then the rest:
    a task added before the others leaves them as they were, and a unit that leads one task
    and coordinates another keeps each task's progress where it was.
    """
    found: list[int | None] = [None] * len(new)
    taken: set[int] = set()
    passes = (
        lambda unit, role, text: (unit, role, text),
        lambda unit, role, text: (unit, role, ""),
        lambda unit, role, text: (unit, "", ""),
    )
    for key in passes:
        queues: dict[tuple[int, str, str], list[int]] = {}
        for task_id, unit_id, role, text in old:
            if task_id not in taken:
                queues.setdefault(key(unit_id, role, text), []).append(task_id)
        for n, task in enumerate(new):
            queue = queues.get(key(task.unit_id, task.role, task.text))
            if found[n] is None and queue:
                task_id = queue.pop(0)
                found[n] = task_id
                taken.add(task_id)
    return found


@dataclass(frozen=True)
class ParentRef:
    """A document a stored directive implements."""

    code: str
    issued_on: date | None
    issuer: str | None


@dataclass(frozen=True)
class NewDirective:
    """A directive to store (or to revise a stored one with)."""

    key: str
    code: str
    kind: str | None
    issuer: str | None
    issued_on: date | None
    subject: str | None
    source_text: str
    source_sha256: str
    issuer_unit_id: int | None
    parents: Sequence[ParentRef]
    tasks: Sequence[NewTask]


@dataclass(frozen=True)
class Revision:
    """What applying a corrected version changed."""

    kept: int
    added: int
    removed: int
    retained: int


@dataclass(frozen=True)
class PendingImport:
    """A directive file sent in chat, awaiting confirmation."""

    id: int
    official_id: int
    file_name: str
    text: str
    edits: dict[str, Any]
    state: str


def _task_from_row(row: Sequence[Any]) -> TaskView:
    # The first twelve columns are enough for the sweep; lists also show the directive's name.
    more = tuple(row[12:17]) if len(row) >= 17 else (None,) * 5
    return TaskView(
        id=row[0],
        directive_id=row[1],
        directive_code=row[2],
        unit_id=row[3],
        unit_name=row[4],
        role=cast(TaskRole, row[5]),
        text=row[6],
        deadline=_date(row[7]),
        status=TaskStatus(row[8]),
        last_note=row[9],
        last_percent=row[10],
        last_update_at=datetime.fromisoformat(row[11]) if row[11] else None,
        last_status=more[0],
        directive_kind=more[1],
        directive_issuer=more[2],
        directive_date=_date(more[3]),
        directive_subject=more[4],
    )


def _official_from_row(row: Sequence[Any]) -> Official:
    return Official(
        id=row[0],
        unit_id=row[1],
        unit_name=row[2],
        name=row[3],
        role=cast(OfficialRole, row[4]),
        phone=row[5],
        active=bool(row[6]),
        locale=row[7],
    )


_OFFICIAL_SQL = """
SELECT o.id, o.unit_id, u.name, o.name, o.role, o.phone, o.active, o.locale
FROM officials o JOIN units u ON u.id = o.unit_id
"""


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _identity_from_row(row: Sequence[Any]) -> Identity:
    return Identity(
        platform=row[0],
        external_id=row[1],
        official_id=row[2],
        linked_at=datetime.fromisoformat(row[3]),
        last_used_at=_moment(row[4]),
        unreachable_at=_moment(row[5]),
        unreachable_reason=row[6],
    )


_IDENTITY_SQL = """
SELECT platform, external_id, official_id, linked_at, last_used_at, unreachable_at,
       unreachable_reason
FROM identities
"""


@dataclass(frozen=True)
class RosterUnit:
    """A unit of an imported roster, keyed by its name key; parents come before children."""

    key: str
    name: str
    parent_key: str | None


@dataclass(frozen=True)
class RosterPerson:
    """An official to add (no id yet) or to update from an imported roster."""

    official_id: int | None
    unit_key: str
    name: str
    role: OfficialRole
    phone: str | None
    # (platform, external id) pairs to link; other platforms' identities are left alone.
    identities: tuple[tuple[str, str], ...] = ()
