"""Compiling a leader's summary: per directive, counts by progress, then per unit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain import Directive, Progress, TaskView
from bot.tasks import by_urgency


@dataclass(frozen=True)
class UnitTasks:
    """One unit's tasks under one directive."""

    name: str
    tasks: tuple[TaskView, ...]


@dataclass(frozen=True)
class DirectiveSummary:
    """Counts and per-unit detail for one directive."""

    code: str
    subject: str | None
    counts: dict[str, int]
    units: tuple[UnitTasks, ...]

    @property
    def total(self) -> int:
        """How many tasks the directive has in scope."""
        return sum(self.counts.values())


def compile_summary(
    tasks: Iterable[TaskView], directives: Sequence[Directive], today: date
) -> list[DirectiveSummary]:
    """Group tasks by directive (in import order) and unit, counting each kind of progress."""
    by_directive: dict[int, list[TaskView]] = {}
    for task in tasks:
        by_directive.setdefault(task.directive_id, []).append(task)
    result = []
    for directive in directives:
        group = by_directive.get(directive.id)
        if not group:
            continue
        counts = Counter(t.progress(today).value for t in group)
        units: dict[str, list[TaskView]] = {}
        for task in by_urgency(group, today):
            units.setdefault(task.unit_name, []).append(task)
        result.append(
            DirectiveSummary(
                code=directive.code,
                subject=directive.subject,
                counts={p.value: counts.get(p.value, 0) for p in Progress},
                units=tuple(UnitTasks(name, tuple(ts)) for name, ts in units.items()),
            )
        )
    return result
