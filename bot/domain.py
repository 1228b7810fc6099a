"""Domain types shared by storage, handlers and the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

OfficialRole = Literal["member", "head", "leader", "admin"]
OFFICIAL_ROLES: tuple[OfficialRole, ...] = ("member", "head", "leader", "admin")
TaskRole = Literal["lead", "coordinate", "unspecified"]


class TaskStatus(StrEnum):
    """Where a task stands, as recorded by its unit."""

    OPEN = "open"
    DONE = "done"


class NoteStatus(StrEnum):
    """What a note says about its task besides progress."""

    BLOCKED = "blocked"


class Progress(StrEnum):
    """A task's standing on a given day, for lists and summaries."""

    DONE = "done"
    OVERDUE = "overdue"
    BLOCKED = "blocked"
    IN_PROGRESS = "in_progress"
    NO_REPORT = "no_report"


@dataclass(frozen=True)
class Unit:
    """A body in the organisation tree."""

    id: int
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class Official:
    """A person in a unit, with a role; their chat identities are `Identity` rows."""

    id: int
    unit_id: int
    unit_name: str
    name: str
    role: OfficialRole
    phone: str | None = None
    # Officials dropped from the roster are kept for history but see and record nothing.
    active: bool = True
    # The language they chose with /ngonngu; None follows their app's language.
    locale: str | None = None

    @property
    def is_leader(self) -> bool:
        """Leaders and admins see the summary of their unit's subtree."""
        return self.role in ("leader", "admin")


@dataclass(frozen=True)
class Directive:
    """A stored directive document."""

    id: int
    code: str
    kind: str | None
    issuer: str | None
    issued_on: date | None
    subject: str | None


@dataclass(frozen=True)
class TaskView:
    """A task with what a chat message shows about it: directive, unit, latest progress."""

    id: int
    directive_id: int
    directive_code: str
    unit_id: int
    unit_name: str
    role: TaskRole
    text: str
    deadline: date | None
    status: TaskStatus
    last_note: str | None
    last_percent: int | None
    last_update_at: datetime | None
    # The latest note's own status: "blocked" when it names an obstacle.
    last_status: str | None = None
    directive_kind: str | None = None
    directive_issuer: str | None = None
    directive_date: date | None = None
    directive_subject: str | None = None

    def progress(self, today: date) -> Progress:
        """Classify the task as done, overdue, blocked, in progress or without any report."""
        if self.status is TaskStatus.DONE:
            return Progress.DONE
        if self.deadline is not None and self.deadline < today:
            return Progress.OVERDUE
        if self.last_status == "blocked":
            return Progress.BLOCKED
        if self.last_update_at is not None:
            return Progress.IN_PROGRESS
        return Progress.NO_REPORT

    @property
    def title(self) -> str:
        """The first line of the task text, for lists."""
        return self.text.split("\n", 1)[0]


@dataclass(frozen=True)
class Identity:
    """An official's account on one chat platform."""

    platform: str
    external_id: str
    official_id: int
    linked_at: datetime
    last_used_at: datetime | None = None
    unreachable_at: datetime | None = None
    unreachable_reason: str | None = None


@dataclass(frozen=True)
class Recipient:
    """An official to message, with their (platform, external id) addresses, best first."""

    official_id: int
    name: str
    addresses: tuple[tuple[str, str], ...] = ()
    # The language the official chose (/ngonngu), if any.
    locale: str | None = None

    def address_on(self, platform: str) -> str | None:
        """The official's id on `platform`, if they are linked there."""
        return next((ext for plat, ext in self.addresses if plat == platform), None)


@dataclass(frozen=True)
class Note:
    """A progress note as the detail view shows it."""

    created_at: datetime
    author: str
    text: str
    percent: int | None
    status: str | None


@dataclass(frozen=True)
class Evidence:
    """A file an official sent as evidence of a task."""

    id: int
    file_name: str
    kind: str
    size: int
    author: str
    created_at: datetime
