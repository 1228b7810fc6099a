"""What a short progress note says beyond its words: a percentage."""

from __future__ import annotations

import re

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3})(?:[.,]\d+)?\s*%")
_TASK_REF = re.compile(r"^\s*#?(\d{1,9})\b\s*(.*)$", re.DOTALL)


def percent_in(text: str) -> int | None:
    """The last percentage from 0 to 100 written in the note ("đạt 40%"), if any."""
    found = [int(m[1]) for m in _PERCENT.finditer(text) if int(m[1]) <= 100]
    return found[-1] if found else None


def split_task_ref(args: str) -> tuple[int, str] | None:
    """Split "#12 đã xong dự thảo" into (12, "đã xong dự thảo"); None without a task id."""
    match = _TASK_REF.match(args)
    if match is None:
        return None
    return int(match[1]), match[2].strip()
