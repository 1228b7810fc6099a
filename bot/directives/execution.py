"""The closing clause of a decision: who "chịu trách nhiệm thi hành Quyết định này".

Those addressees carry the decision out; they are listed as one assignment with role
"execute", each addressee in its units_split, and no tasks or deadline, so that nobody is
nudged about a clause that hands out no work.
"""

from __future__ import annotations

import re

from .model import ParsedAssignment
from .normalize import fold, squash
from .units import drop_titles, is_unit_start, split_units

EXECUTE_RE = re.compile(
    r"\s*(?:(?:có|chịu)\s+trách\s+nhiệm\s+(?:tổ\s+chức\s+)?thi\s+hành|thi\s+hành)\s+"
    r"(?:quyết\s+định|chỉ\s+thị|nghị\s+quyết)\s+này",
    re.IGNORECASE,
)
_SENTENCE_START_RE = re.compile(r"(?:^|\.\s+)(?=[A-ZĐÀ-Ỹ])")
_ARTICLE_RE = re.compile(
    r"^(?:Điều\s+\d+\s*[.:]\s*)?(?:(?:Trách nhiệm thi hành|Tổ chức thực hiện|Hiệu lực"
    r"(?: thi hành)?)\s*[.:]?\s*)?(?:Các\s+[Ôô]ng\s*(?:\(|,\s*)?[Bb]à\)?\s*:?\s*)?"
)
_TITLE_START_RE = re.compile(
    r"^(?:đồng chí\s+)?(?:phó\s+)?(?:chủ tịch|(?:tổng\s+)?giám đốc|thủ trưởng|hiệu trưởng"
    r"|chỉ huy trưởng|bộ trưởng|thứ trưởng|vụ trưởng|(?:tổng\s+)?cục trưởng|chi cục trưởng"
    r"|viện trưởng|chánh|trưởng)\b"
)
_TOKEN_SEP_RE = re.compile(r"(\s*,\s*|\s+và\s+)")


def _starts_item(token: str, prev: str) -> bool:
    f = fold(token)
    if _TITLE_START_RE.match(f) or f.startswith(("các ", "những ")):
        return True
    # "Giám đốc các Sở: Tư pháp, Xây dựng" goes on with proper names after its colon.
    return ":" not in prev and token[:1].isupper() and is_unit_start(token)


def addressees(text: str) -> list[str]:
    """The addressees listed in an execution clause, each as written."""
    items: list[str] = []
    for piece in re.split(r"\s*;\s*", text):
        parts = _TOKEN_SEP_RE.split(piece.strip(" ,;."))
        current = parts[0]
        for k in range(1, len(parts), 2):
            sep, token = parts[k], parts[k + 1]
            if token and _starts_item(token, current):
                items.append(current)
                current = token
            else:
                current += sep + token
        items.append(current)
    return [squash(i) for i in items if i.strip(" ,;.")]


def execution_clause(text: str) -> ParsedAssignment | None:
    """The execute assignment of a paragraph closing a decision, or None if it is not one."""
    m = EXECUTE_RE.search(text)
    if not m:
        return None
    before = text[: m.start()]
    starts = [s.end() for s in _SENTENCE_START_RE.finditer(before)]
    listed = _ARTICLE_RE.sub("", before[starts[-1] if starts else 0 :]).strip(" ,;.")
    if not listed:
        return None
    split = tuple(u for item in addressees(listed) for u in split_units(drop_titles(item)))
    return ParsedAssignment(unit=drop_titles(listed), units_split=split, role="execute")
