"""Joining hard-wrapped lines back into paragraphs, and paragraphs into sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from .lines import MARKER_RE, continues, first_letter_lower
from .normalize import is_caps, squash


class Gap(Enum):
    """What separates a body line from the one before it."""

    NONE = 0
    BLANK = 1
    # Lines were cut out in between (a header block printed mid-page).
    REMOVED = 2


@dataclass
class Para:
    """A paragraph: kind ("bullet", "num", "roman", "letter", "caps", "row", "text"), marker, text."""

    kind: str
    marker: str
    text: str


def _is_junk_caps(p: Para) -> bool:
    # Fragments of a round stamp ("SẢN", "PHÒ") scattered between the lines of a paragraph.
    return p.kind == "caps" and " " not in p.text and len(p.text) <= 6


def _heading_done(last: Para, prev: str, s: str, short_len: float) -> bool:
    # A numbered heading may wrap onto a short capitalised tail ("Tỉnh ủy"), but a full-width
    # line that starts with a capital after it is the body under the heading.
    return (
        last.kind in ("num", "roman", "letter")
        and last.text.rstrip()[-1:] not in ",;"
        and (len(s) >= short_len or len(prev) < short_len)
    )


# A web copy holds a paragraph on one line; one this long that stops mid-phrase goes on in
# the next line even when that starts with a dash ("… Ninh Bình\n- Hải Phòng, đoạn qua …").
_PARAGRAPH_LINE = 200


def _marker(s: str, prev: str) -> tuple[str, str, str] | None:
    m = MARKER_RE.match(s)
    if not m:
        return None
    rest = s[m.end() :].strip()
    prev_end = prev[-1:] or "."
    for kind in ("roman", "num", "letter", "bullet"):
        if m.group(kind):
            # "- xã hội" at the start of a wrapped line is a hyphen, not a bullet.
            if kind == "bullet" and first_letter_lower(rest) and prev_end not in ".;:,":
                return None
            if kind == "bullet" and prev_end.isalnum() and len(prev) > _PARAGRAPH_LINE:
                return None
            return kind, m.group(kind), rest
    return None


def reflow(lines: Sequence[tuple[str, Gap]], blank_breaks: bool, short_len: float) -> list[Para]:
    """Paragraphs from body lines, each given with what separates it from the line before."""
    paras: list[Para] = []
    prev = ""
    for raw, gap in lines:
        s = raw.strip()
        if not s:
            continue
        if s.count(" | ") >= 2 or (" | " in s and paras and paras[-1].kind == "row"):
            # A table row as .docx and PDF readers write it: one row a line, " | " between cells;
            # under another row, two cells are a row whose others are merged with the row above.
            paras.append(Para("row", "", s))
            prev = s
            continue
        marked = _marker(s, prev)
        if marked:
            paras.append(Para(*marked))
        elif first_letter_lower(s) and paras:
            while len(paras) > 1 and _is_junk_caps(paras[-1]):
                paras.pop()
            if paras[-1].kind == "caps":
                paras.append(Para("text", "", s))
            else:
                paras[-1].text += " " + s
        elif is_caps(s):
            paras.append(Para("caps", "", s))
        elif (
            not paras
            or paras[-1].kind == "caps"
            or _heading_done(paras[-1], prev, s, short_len)
            or not continues(prev, s, _breaks(gap, blank_breaks), short_len)
        ):
            paras.append(Para("text", "", s))
        else:
            paras[-1].text += " " + s
        prev = s
    for p in paras:
        p.text = squash(p.text)
    return paras


def _breaks(gap: Gap, blank_breaks: bool) -> bool:
    return gap is Gap.REMOVED or (blank_breaks and gap is Gap.BLANK)


def _abbreviation(word: str) -> bool:
    # "TP. Hồ Chí Minh", "P. Tổng hợp", "TS. Nguyễn": short capitalised words before a dot.
    return word.isalpha() and word[0].isupper() and len(word) <= 3


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph: a full stop after a word, then a capital letter."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]\s+", text):
        word = text[: m.start()].rsplit(None, 1)[-1] if text[: m.start()].strip() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if word and not _abbreviation(word) and (after.isupper() or after in '“"'):
            out.append(text[start : m.start() + 1].strip())
            start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
