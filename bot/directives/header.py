"""The header block of a document: issuer, number, date, title, subject, recipients, signer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import parse_place_date
from .lines import (
    MARKER_RE,
    Lines,
    Tag,
    column_cells,
    continues,
    copy_kind,
    first_letter_lower,
    is_delegation,
    is_signature_title,
    stamp_label_text,
    title_kind,
)
from .normalize import fold, squash
from .refs import parse_number_line


@dataclass
class Header:
    """What the header lines of one document say, and which lines they were."""

    orgs: list[str] = field(default_factory=list)
    number: str | None = None
    symbol: str | None = None
    has_number: bool = False
    place: str | None = None
    date: date | None = None
    date_partial: str | None = None
    has_date: bool = False
    kind_title: str | None = None
    # "CỦA BỘ CHÍNH TRỊ" under a title names who the document speaks for.
    title_of: str | None = None
    subject_parts: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)

    @property
    def subject(self) -> str | None:
        """The subject line(s) joined, or None."""
        text = squash(" ".join(self.subject_parts))
        return text or None


_SKIP = {Tag.BLANK, Tag.JUNK, Tag.MOTTO, Tag.STAMP, Tag.COPY}
_VV_RE = re.compile(r"^(?:V/v|V/V|V\.v|Về việc|Về)\b")
_KINH_GUI_PREFIX_RE = re.compile(r"^[-–\s]*Kính\s+gửi\s*:?\s*", re.IGNORECASE)
_BULLET_RE = re.compile(r"^[-+•–]\s*")
_AREA_RE = re.compile(r"^(?:tỉnh|huyện|xã|phường|quận|thị xã|thị trấn|thành phố|tp\.?)\s+\S")
_HEADERISH = {Tag.BLANK, Tag.JUNK, Tag.MOTTO, Tag.DATE, Tag.CAPS, Tag.COPY, Tag.STAMP}


def walk_back(lines: Lines, anchor: int, lo: int) -> int:
    """The first line of the header block that ends at the number line `anchor`."""
    i = anchor
    while i - 1 >= lo and lines.tags[i - 1] in _HEADERISH:
        i -= 1
    return i


def _paragraph_end(lines: Lines, i: int, hi: int) -> int:
    """One past the last line of the paragraph that starts at line i."""
    last = i
    blank = False
    k = i + 1
    while k < hi:
        tag = lines.tags[k]
        if tag is Tag.BLANK:
            blank = True
        elif tag is not Tag.TEXT:
            break
        else:
            paragraph_break = lines.blank_breaks and blank
            if not continues(lines.text[last], lines.text[k], paragraph_break, lines.short_len):
                break
            last, blank = k, False
        k += 1
    return last + 1


def _title_block(lines: Lines, i: int, hi: int, h: Header) -> int:
    h.kind_title = h.kind_title or title_kind(lines.text[i])
    k = i + 1
    caps_subject = False
    # A second title-like line ("THÔNG BÁO" / "KẾT LUẬN CỦA BAN THƯỜNG VỤ") is the subject.
    while k < hi and lines.tags[k] in (Tag.BLANK, Tag.CAPS, Tag.JUNK, Tag.TITLE):
        s = lines.text[k]
        if lines.tags[k] in (Tag.CAPS, Tag.TITLE):
            if fold(s).startswith("của "):
                h.title_of = s[4:].strip()
            else:
                h.subject_parts.append(s)
                caps_subject = True
        k += 1
    if k < hi and lines.tags[k] is Tag.TEXT:
        s = lines.text[k]
        if not caps_subject or first_letter_lower(s):
            end = _paragraph_end(lines, k, hi)
            h.subject_parts.extend(lines.text[k:end])
            return end
    return k


def _subject_lines(lines: Lines, i: int, hi: int, h: Header) -> int:
    h.subject_parts.append(lines.text[i])
    k = i + 1
    blank = False
    while k < hi:
        tag = lines.tags[k]
        if tag is Tag.BLANK:
            blank = True
            k += 1
            continue
        s = lines.text[k]
        if tag is not Tag.TEXT or (lines.blank_breaks and blank):
            break
        # The subject sits in a narrow column; a full-width line is the body.
        if not lines.blank_breaks and len(s) >= lines.short_len:
            break
        h.subject_parts.append(s)
        blank = False
        k += 1
    return k


def _recipients(lines: Lines, i: int, hi: int, h: Header) -> int:
    items: list[str] = []
    first = _KINH_GUI_PREFIX_RE.sub("", lines.text[i])
    if first:
        items.append(_BULLET_RE.sub("", first))
    end = i + 1
    k = i + 1
    blank = False
    while k < hi:
        tag = lines.tags[k]
        s = lines.text[k]
        if tag in (Tag.BLANK, Tag.JUNK):
            blank = blank or tag is Tag.BLANK
            k += 1
            continue
        if lines.blank_breaks and blank and items:
            break
        m = MARKER_RE.match(s)
        if tag is Tag.MARKED and m and m.group("bullet"):
            items.append(s[m.end() :])
        elif (
            tag in (Tag.TEXT, Tag.CAPS)
            and items
            and not items[-1].rstrip().endswith(".")
            and (lines.blank_breaks or len(s) < lines.short_len)
        ):
            items[-1] += " " + s
        else:
            break
        blank = False
        k += 1
        end = k
    h.recipients.extend(x for x in (squash(it).strip(" ,;.") for it in items) if x)
    return end


def _note_date(h: Header, line: str) -> None:
    pd = parse_place_date(line)
    if pd and not h.has_date:
        h.place, h.date, h.date_partial = pd
        h.has_date = True


def walk(lines: Lines, i: int, hi: int, h: Header) -> int:
    """Read header lines from line i on; the index of the first body line."""
    start = i
    seen_number = False
    while i < hi:
        tag = lines.tags[i]
        s = lines.text[i]
        if tag in _SKIP:
            i += 1
        elif tag is Tag.DATE:
            _note_date(h, s)
            i += 1
        elif tag is Tag.NUMBER:
            if h.has_number:
                break
            parsed = parse_number_line(s)
            if parsed:
                h.number, h.symbol = parsed
            h.has_number = seen_number = True
            _note_date(h, s)
            i += 1
        elif tag is Tag.STAMP_LABEL:
            text = stamp_label_text(s)
            if text:
                h.subject_parts.append(text)
            i += 1
        elif tag is Tag.CAPS and not seen_number:
            h.orgs.append(squash(s))
            i += 1
        elif tag is Tag.TITLE:
            i = _title_block(lines, i, hi, h)
        elif tag is Tag.TEXT and not h.subject_parts and _VV_RE.match(s):
            i = _subject_lines(lines, i, hi, h)
        elif tag is Tag.KINH_GUI:
            i = _recipients(lines, i, hi, h)
        else:
            break
    h.used.update(range(start, i))
    return i


_CONNECTIVE_END_RE = re.compile(r"(?:\s(?:và|của)|[-–,&])$")
_CONNECTIVE_START_RE = re.compile(r"^(?:(?:và|của)\s|[-–,&]\s*\w)")


def join_wrapped(orgs: list[str]) -> list[str]:
    """The organisation names of a letterhead whose long lines wrapped onto the next line.

    "SỞ NÔNG NGHIỆP VÀ" / "PHÁT TRIỂN NÔNG THÔN" is one name: a line that ends in a
    connective ("VÀ", "-", ",") or one that starts with one carries on the line above.
    """
    out: list[str] = []
    for org in orgs:
        f = fold(org)
        if out and (_CONNECTIVE_END_RE.search(fold(out[-1])) or _CONNECTIVE_START_RE.match(f)):
            out[-1] = f"{out[-1]} {org}"
        else:
            out.append(org)
    return out


def issuer_from_orgs(orgs: list[str]) -> tuple[str | None, str | None]:
    """(issuer, parent issuer) from the capitalised lines above the number."""
    orgs = join_wrapped(orgs)
    if not orgs:
        return None, None
    if len(orgs) == 1:
        return orgs[0], None
    prev, last = orgs[-2], orgs[-1]
    last_f = fold(last)
    # "ỦY BAN NHÂN DÂN" / "HUYỆN BÌNH SƠN" is one name over two lines.
    if _AREA_RE.match(last_f) and not re.search(r"\bủy\b", last_f):
        return f"{prev} {last}", None
    return last, prev


def document_copy_kind(lines: Lines, lo: int, hi: int) -> str | None:
    """The copy kind ("Sao y", "Sao lục") when the document is a certified copy."""
    for i in range(lo, hi):
        if lines.tags[i] is Tag.COPY:
            return copy_kind(lines.text[i])
    return None


def _is_name(s: str) -> bool:
    words = s.split()
    return 2 <= len(words) <= 6 and all(
        w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words
    )


# Where the signature column starts in a line flattened with the recipients column:
# "- Như trên; KT. CHỦ TỊCH", "- Lưu: VT. Trần Văn Hùng".
_TAIL_CELL_RE = re.compile(r"(?<=[;:.,])\s+(?=[A-ZĐÀ-Ỹ])")


def _cells(s: str) -> list[str]:
    """The column cells of a line, the flattened signature column split off its end."""
    out: list[str] = []
    for cell in column_cells(s):
        for m in _TAIL_CELL_RE.finditer(cell):
            rest = cell[m.end() :]
            if is_signature_title(rest) or _is_name(rest):
                out.extend([cell[: m.start()], rest])
                break
        else:
            out.append(cell)
    return out


def _side_by_side(lines: Lines, lo: int, hi: int) -> tuple[str | None, str | None]:
    """(signer, title) when the signature block sits beside the "Nơi nhận" list."""
    start = max((i for i in range(lo, hi) if lines.tags[i] is Tag.NOI_NHAN), default=None)
    if start is None:
        return None, None
    cells = [c.strip() for i in range(start, hi) for c in _cells(lines.text[i])]
    sig = [k for k, c in enumerate(cells) if is_signature_title(c)]
    if not sig:
        return None, None
    last = cells[sig[-1]]
    title = None if is_delegation(last) else squash(last)
    name = next((c for c in cells[sig[-1] + 1 :] if _is_name(c)), None)
    return name, title


def signature(lines: Lines, lo: int, hi: int, used: set[int]) -> tuple[str | None, str | None]:
    """(signer, signer title) from the last signature block of the document."""
    sig = [i for i in range(lo, hi) if lines.tags[i] is Tag.SIG and i not in used]
    if not sig:
        return _side_by_side(lines, lo, hi)
    last = sig[-1]
    title = None if is_delegation(lines.text[last]) else squash(lines.text[last])
    for k in range(last + 1, min(hi, last + 30)):
        if lines.tags[k] is Tag.TEXT and _is_name(lines.text[k]):
            return lines.text[k].strip(), title
    signer, side_title = _side_by_side(lines, lo, hi)
    if signer:
        return signer, side_title
    return None, title
