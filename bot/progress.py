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


_DONE_WORDS = re.compile(
    r"^\s*(?:xong|hoàn thành|hoan thanh|done)\s+#?(\d{1,9})\b\s*(.*)$", re.IGNORECASE | re.DOTALL
)
_NOTE_WORDS = re.compile(r"^\s*#?(\d{1,9})\s+(\S.*)$", re.DOTALL)


def keyword_command(text: str) -> str | None:
    """ "xong 12" as "/xong #12", "12 đạt 60%" as "/capnhat #12 đạt 60%"; None otherwise.

    For chats without buttons or replies (Zalo), where typing a command is the hard part.
    """
    done = _DONE_WORDS.match(text)
    if done:
        return f"/xong #{done[1]} {done[2]}".rstrip()
    note = _NOTE_WORDS.match(text)
    if note:
        return f"/capnhat #{note[1]} {note[2]}"
    return None
