"""The rules the follow-up engine applies, with the defaults of the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class Rules:
    """How often and when officials are followed up (counts are Vietnamese working days)."""

    work_start: time = time(7, 30)
    work_end: time = time(17, 0)
    # A period's report is due this many working days after its data closes (NĐ 09/2019).
    report_grace_days: int = 1
    # An undated task is checked in on after this long without a report.
    checkin_days: int = 10
    # Overdue reminders repeat this often; coordinating units hear half as often.
    overdue_every: int = 3
    # Overdue this long: the unit head is told; then the leader above.
    escalate_head_after: int = 5
    escalate_leader_after: int = 10
    # The weekly digest: weekday (0 = Monday; None: no digest) and local hour.
    digest_weekday: int | None = 0
    digest_hour: int = 8
