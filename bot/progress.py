"""What a short progress note says beyond its words: a percentage, a blocker, completion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.directives.normalize import fold, strip_marks

_PERCENT = re.compile(
    r"(?<![\d.,])(\d{1,4})(?:[.,]\d+)?\s*(?:%|phần trăm|phan tram|percent)", re.IGNORECASE
)
# "còn 40%", "chưa đạt 30%": what is left, not what is done.
_LEFT = re.compile(r"(?:con|chua|thieu|con lai)\s*(?:khoang|dat)?\s*$")
_DONE_WORD = re.compile(r"(?:dat|duoc|hoan thanh|xong|thuc hien)\s*(?:khoang|duoc)?\s*$")
_TASK_REF = re.compile(r"^\s*#?(\d{1,9})\b\s*(.*)$", re.DOTALL)
# Words officials use when something stands in the way.
_BLOCKERS = re.compile(
    r"\b(?:vuong|vuong mac|kho khan|chua co kinh phi|thieu kinh phi|chua bo tri|de xuat|kien nghi|"
    r"chua the|khong the|bi chan|tam dung|blocked|stuck)\b"
)
# "đã hoàn thành", "xong rồi", "hoàn thành nhiệm vụ": the whole task, not one step of it.
_FINISHED = re.compile(
    r"^\W*(?:da\s+)?(?:hoan thanh|xong|thuc hien xong)(?:\s+(?:roi|het|xong|"
    r"nhiem vu(?: nay| duoc giao)?|toan bo|100%))*\W*$|\bhoan thanh (?:toan bo|nhiem vu)\b"
)
_NOT_FINISHED = re.compile(r"\b(?:chua hoan thanh|chua xong|se hoan thanh|de hoan thanh)\b")


@dataclass(frozen=True)
class Reading:
    """What a note says: its percentage (0–100), one out of range, a blocker, completion."""

    percent: int | None
    out_of_range: int | None
    blocked: bool
    finished: bool


def read_note(text: str) -> Reading:
    """Read a note: "đạt 60%, còn 40%" is 60; "150%" is out of range; "vướng kinh phí" blocks."""
    folded = strip_marks(fold(text))
    done: list[int] = []
    plain: list[int] = []
    for match in _PERCENT.finditer(folded):
        before = folded[max(0, match.start() - 20) : match.start()]
        if _LEFT.search(before):
            continue
        (done if _DONE_WORD.search(before) else plain).append(int(match[1]))
    found = done or plain
    percent = found[-1] if found else None
    out_of_range = percent if percent is not None and percent > 100 else None
    finished = percent == 100 or (
        _FINISHED.search(folded) is not None and _NOT_FINISHED.search(folded) is None
    )
    return Reading(
        percent=None if out_of_range is not None else percent,
        out_of_range=out_of_range,
        blocked=_BLOCKERS.search(folded) is not None,
        finished=finished,
    )


def percent_in(text: str) -> int | None:
    """The percentage of work done the note states ("đạt 40%"), if any."""
    return read_note(text).percent


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
