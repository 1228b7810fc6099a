"""Sentences that address a unit with an action verb but did not become an assignment.

The preview shows them as possible tasks, so that work the parser missed is not lost; they
are read from the file's own lines, so their line numbers are the ones a reader sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .assignments import is_generic
from .lines import MARKER_RE, clean_line, clean_text
from .model import ParsedAssignment, Unassigned
from .normalize import fold
from .units import drop_titles, opens_with_verb, split_units, unit_at

_ASK_RE = re.compile(r"^(?:Giao|Đề nghị|Yêu cầu)\s+(?:cho\s+)?", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")
_ENDS_RE = re.compile(r"[.;:!?]\s*$")
_MAX_TEXT = 200
# Narrative ("Bộ Công an đã hỗ trợ"), issuing ("UBND tỉnh ban hành") and form labels
# ("Cơ quan thực hiện:") name a unit without handing it work.
_NOT_WORK_RE = re.compile(r"^(?:đã|đang|được|sẽ|ban hành|tiếp nhận)\b")
_LABEL_RE = re.compile(r"^\S+(?:\s+\S+){0,3}\s*:")
_NOI_NHAN_RE = re.compile(r"^Nơi\s+nhận\b", re.IGNORECASE)


_SPEAKS_RE = re.compile(r"\s(?:thông báo|trân trọng|xin|sẽ|đề nghị|cảm ơn|đã)\b")


def _is_task(unit: str, rest: str) -> bool:
    f = fold(rest)
    if not rest[:1].islower() or not opens_with_verb(rest) or _NOT_WORK_RE.match(f):
        return False
    # The issuer speaking ("Văn phòng Chính phủ thông báo để …") hands itself no work.
    if _LABEL_RE.match(rest) or _SPEAKS_RE.search(fold(unit)):
        return False
    # "Cơ quan", "Hội đồng", "các cơ quan liên quan": a kind, not a unit to follow up.
    return len(unit.split()) > 1 and not is_generic(unit)


def _known(assignments: Iterable[ParsedAssignment]) -> set[str]:
    names: set[str] = set()
    for a in assignments:
        for u in (a.unit, *a.units_split, *a.coordinators, a.report_to or ""):
            if u:
                names.add(fold(drop_titles(u)))
                names.update(fold(x) for x in split_units(drop_titles(u)))
    return names


def _starts(line: str, starts_sentence: bool) -> list[str]:
    """The pieces of a line where a sentence (or a numbered or bulleted item) begins."""
    m = MARKER_RE.match(line)
    pieces = _SENTENCE_RE.split(line)
    first = pieces[0][m.end() :] if m else pieces[0]
    head = [first] if m or starts_sentence else []
    return [*head, *pieces[1:]]


def find_unassigned(text: str, assignments: Iterable[ParsedAssignment]) -> list[Unassigned]:
    """Sentences of text that open with a unit and an action verb naming no known unit."""
    known = _known(assignments)
    out: list[Unassigned] = []
    prev = ""
    recipients = False
    for n, raw in enumerate(clean_text(text).split("\n"), start=1):
        line = clean_line(raw)
        # The recipients' list after "Nơi nhận:" runs to the next blank line.
        recipients = bool(_NOI_NHAN_RE.match(line)) or (recipients and bool(line))
        # A unit's name starts with a capital: a line without one ("|", a wrapped tail) has none.
        if recipients or line.lower() == line:
            prev = line
            continue
        for piece in _starts(line, not prev or bool(_ENDS_RE.search(prev))):
            body = _ASK_RE.sub("", piece.strip())
            # Unit names start with a capital ("Sở", "UBND", "Các"); skip the rest unread.
            if not body[:1].isupper():
                continue
            found = unit_at(body)
            if found is None or not _is_task(found[0], found[1]):
                continue
            unit = drop_titles(found[0])
            if fold(unit) in known or all(fold(u) in known for u in split_units(unit)):
                continue
            out.append(Unassigned(line=n, unit=unit, text=piece.strip()[:_MAX_TEXT]))
        prev = line
    return out
