"""How officials name things: a directive by kind, number, issuer and year; a short title."""

from __future__ import annotations

import re
from datetime import date

from bot.directives.normalize import org_case

_SHORT = (
    ("Ủy ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam", "UBMTTQ"),
    ("Ban Thường vụ", "BTV"),
)
# Openings that say how, not what: the words after them say what the task is about.
_BODIES = r"(?:cơ quan|đơn vị|sở|ngành|phòng|ban|địa phương|mặt trận|đoàn thể)"
_GENERIC = [
    re.compile(r"^chủ trì\s*,?\s*", re.IGNORECASE),
    re.compile(
        rf"^phối hợp\s+(?:với\s+)?(?:các\s+)?{_BODIES}(?:[\s,]+(?:các\s+)?(?:{_BODIES[3:-1]}|có liên quan|liên quan))*\s*,?\s*",
        re.IGNORECASE,
    ),
    re.compile(
        r"^tham mưu\s+(?:cho\s+)?\S+(?:\s+\S+){0,3}?\s+(?=xây dựng|ban hành|tổ chức|triển khai|"
        r"thực hiện|kiểm tra|rà soát|đề xuất|hướng dẫn|sơ kết|tổng kết)",
        re.IGNORECASE,
    ),
    re.compile(r"^(?:có trách nhiệm|tiếp tục|khẩn trương|chủ động)\s+", re.IGNORECASE),
]


def short_issuer(issuer: str | None) -> str:
    """ "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN" as "UBND huyện Bình Sơn"."""
    if not issuer:
        return ""
    name = org_case(issuer) if issuer.isupper() else issuer
    for long, short in _SHORT:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def directive_label(kind: str | None, code: str, issuer: str | None, issued_on: date | None) -> str:
    """ "Công văn (chưa số)/UBND-TNMT của UBND huyện Bình Sơn, 2024", as officials say it."""
    if not code or code == kind:
        number = "(chưa số)"
    elif code.startswith("/"):
        number = f"(chưa số){code}"
    else:
        number = code
    parts = [f"{kind} {number}" if kind else number]
    if issuer:
        parts.append(f"của {short_issuer(issuer)}")
    label = " ".join(parts)
    return f"{label}, {issued_on.year}" if issued_on else label


def task_title(text: str, width: int = 140) -> str:
    """The words that say what a task is about, cut at a word boundary within `width`."""
    first = " ".join(text.split("\n", 1)[0].split())
    meaningful = first
    changed = True
    while changed:
        changed = False
        for opening in _GENERIC:
            shorter = opening.sub("", meaningful, count=1)
            if shorter != meaningful and shorter:
                meaningful, changed = shorter, True
    meaningful = meaningful.strip() or first
    if meaningful != first:
        meaningful = meaningful[:1].upper() + meaningful[1:]
    return cut_words(meaningful, width)


def cut_words(text: str, width: int) -> str:
    """`text` within `width` characters, cut after a whole word, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width - 1)
    return text[: cut if cut > width // 2 else width - 1].rstrip(" ,;:-") + "…"
