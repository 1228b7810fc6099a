"""Document numbers ("Số 1614-CV/HU") and references to other documents in running text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from .dates import DMY, LONG_DATE, parse_vn_date
from .model import Reference
from .normalize import fold, squash

# A symbol is upper-case parts joined by "-" or "/": "CV/HU", "KH-UBND", "CTr/HU", "QĐ-TTg",
# possibly after a year for legal documents ("12/2024/QĐ-UBND").
_SYMBOL = r"(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:\s*[-/–]\s*[A-ZĐ0-9][A-Za-zĐđ0-9]*)*"
_NUMBER_LINE_RE = re.compile(
    r"^[\s\-]*Số\s*:?\s*(?P<num>\d+)?\s*(?P<sep>[-–/]|\s)\s*(?P<sym>" + _SYMBOL + r")"
)
_CODE_RE = re.compile(
    r"\b[Ss]ố\s*:?\s*(?P<num>\d+)\s*(?P<sep>[-–/]|\s)\s*(?P<sym>" + _SYMBOL + r")(?![\w/])"
)
# "Căn cứ Quyết định 1003/QĐ-BNNMT ngày …", "Nghị quyết 380/NQ-CP": a kind, then the code
# with no "số"; the symbol must carry its slash, so "Quyết định 2025" is no code. Codes are
# found first (digits are rare), then the kind is looked for right before.
_BARE_CODE_RE = re.compile(r"(?<![\w/])(?P<num>\d+)(?P<sep>[-/])(?P<sym>" + _SYMBOL + r")(?![\w/])")
_KIND_BEFORE_RE = re.compile(
    r"(?:[Qq]uyết định|[Nn]ghị quyết|[Cc]hỉ thị|[Cc]ông văn|[Cc]ông điện|[Tt]hông báo"
    r"|[Kk]ết luận|[Kk]ế hoạch) $"
)
_KIND_SPAN = 12
_AFTER_CODE_DATE_RE = re.compile(
    r"\s*,?\s*(?:ban hành\s+|ký\s+)?(?:ngày\s+" + DMY + r"|" + LONG_DATE + ")", re.IGNORECASE
)
_ISSUER_LEAD_RE = re.compile(r"\s*,?\s*(?:của|do)\s+")
_DOC_KINDS = (
    r"(?:[Cc]hương trình|[Kk]ế hoạch|[Nn]ghị quyết|[Kk]ết luận|[Cc]ông văn|[Qq]uyết định"
    r"|[Cc]hỉ thị|[Tt]hông báo|[Hh]ướng dẫn|[Vv]ăn bản|[Đđ]ề án|[Cc]hiến lược)"
)
# An issuer runs until a verb that starts the rest of the sentence, or punctuation.
_ISSUER_RE = re.compile(
    r"(?P<iss>[^,;:.()“”\"]+?)(?=\s+(?:về|thực hiện|tiếp tục|triển khai|ban hành|phê duyệt"
    r"|hướng dẫn|quy định|sao gửi|sao lục|đến|gửi|nhằm|để|trên|tại|theo|cụ thể|gắn"
    r"|và\s+(?:các\s+|những\s+)?" + _DOC_KINDS + r")\b|\s*[,;:.()“”\"]|\s*$)"
)


def _codes(text: str) -> list[re.Match[str]]:
    """Every cited code in text, "số 12/KH-UBND" or "Quyết định 1003/QĐ-BNNMT", in order."""
    found = [m for m in _CODE_RE.finditer(text) if _symbol_ok(m["num"], m["sep"], m["sym"])]
    if "/" in text:
        taken = {m.start("num") for m in found}
        found.extend(
            m
            for m in _BARE_CODE_RE.finditer(text)
            if m.start() not in taken
            and _KIND_BEFORE_RE.search(text, max(0, m.start() - _KIND_SPAN), m.start())
            and _symbol_ok(m["num"], m["sep"], m["sym"])
        )
        found.sort(key=lambda m: m.start("num"))
    return found


def _symbol_ok(num: str | None, sep: str, sym: str) -> bool:
    if num is None:
        # "/KH-UBND": the slash that would follow the number is all there is.
        return sep == "/"
    return sep == "/" or "/" in sym


def parse_number_line(line: str) -> tuple[str | None, str] | None:
    """(number, symbol) of a line "Số: 123/KH-UBND", "Số 69 KL/TW" or "Số:   /UBND-TNMT".

    None when the line is not a document number (no symbol, as on a received stamp "Số: 494").
    """
    m = _NUMBER_LINE_RE.match(line)
    if not m:
        return None
    sym = re.sub(r"\s+", "", m["sym"]).replace("–", "-")
    if not _symbol_ok(m["num"], m["sep"], sym):
        return None
    return m["num"], sym


def code_of(num: str, sep: str, sym: str) -> str:
    """The canonical "69-KL/TW" or "995/QĐ-TTg" form of a cited number."""
    sym = re.sub(r"\s+", "", sym).replace("–", "-")
    return f"{num}/{sym}" if sep == "/" else f"{num}-{sym}"


def _issuer_at(text: str, pos: int) -> tuple[str | None, int]:
    lead = _ISSUER_LEAD_RE.match(text, pos)
    if not lead:
        return None, pos
    m = _ISSUER_RE.match(text, lead.end())
    if not m:
        return None, pos
    iss = squash(m["iss"])
    words = iss.split()
    if not words or not words[0][:1].isupper() or len(words) > 14:
        return None, pos
    return iss, m.end()


def _date_at(text: str, pos: int) -> tuple[date | None, int]:
    m = _AFTER_CODE_DATE_RE.match(text, pos)
    if not m:
        return None, pos
    return parse_vn_date(m.group(0))[0], m.end()


def _reference_span(text: str, m: re.Match[str]) -> tuple[Reference, int]:
    pos = m.end()
    when, pos = _date_at(text, pos)
    issuer, pos = _issuer_at(text, pos)
    if when is None:
        when, pos = _date_at(text, pos)
    ref = Reference(number=code_of(m["num"], m["sep"], m["sym"]), date=when, issuer=issuer)
    return ref, pos


def _reference_at(text: str, m: re.Match[str]) -> Reference:
    return _reference_span(text, m)[0]


def find_references(text: str) -> list[Reference]:
    """Every "số N-X/Y[, ngày dd/mm/yyyy][ của <issuer>]" cited in text, in order."""
    return [_reference_at(text, m) for m in _codes(text)]


# Documents that direct work, as opposed to the laws, decrees and circulars a decision is
# also based on ("Căn cứ Luật ...", "Căn cứ Nghị định số 31/2021/NĐ-CP") and the proposals
# that led to it ("Tờ trình số ..."): only the former are parents a unit follows up on.
_DIRECTIVE_KIND_RE = re.compile(
    r"(?:nghị quyết|kết luận|chỉ thị|kế hoạch|chương trình(?: hành động)?|công văn|quyết định"
    r"|thông báo(?: kết luận)?|công điện|hướng dẫn|văn bản|đề án|thông tri|quy định|điện)"
    r"(?:\s+liên tịch)?\s*$"
)


def first_directive_reference(text: str | None) -> Reference | None:
    """The first document cited in text whose kind is one that directs work (not a law)."""
    if not text:
        return None
    for m in _codes(text):
        if _DIRECTIVE_KIND_RE.search(fold(text[max(0, m.start() - 40) : m.start()])):
            return _reference_at(text, m)
    return None


# Between two cited documents: the second is a sibling of the first ("… và Chỉ thị số …")
# when the text joins them with "và", "," or ";" and no sentence ends between them ...
_SIBLING_GAP_RE = re.compile(r"(?:[,;]|\bvà)\s*(?:các\s+|những\s+)?$")
# ... but the one the first implements ("về thực hiện Nghị quyết số …") is its ancestor.
_NESTED_GAP_RE = re.compile(
    r"(?:thực hiện|triển khai|thi hành|quán triệt|cụ thể hóa|sơ kết|tổng kết|theo|tại|của"
    r"|kèm theo)\s*$"
)


def directive_references(text: str | None) -> list[Reference]:
    """The first document text cites that directs work, and its siblings joined by "và"/","."""
    if not text:
        return []
    out: list[Reference] = []
    end = 0
    for m in _codes(text):
        base = max(0, m.start() - 40)
        kind = _DIRECTIVE_KIND_RE.search(fold(text[base : m.start()]))
        if out:
            # fold() keeps positions in squashed text, so the kind word found is in place.
            at = base + kind.start() if kind else end
            gap = fold(text[end:at])
            if (
                not kind
                or at < end
                or re.search(r"[.!?]\s", gap)
                or _NESTED_GAP_RE.search(gap)
                or not _SIBLING_GAP_RE.search(gap)
            ):
                break
        elif not kind:
            continue
        ref, end = _reference_span(text, m)
        out.append(ref)
    return out


def first_reference(text: str | None) -> Reference | None:
    """The first document cited in text, if any."""
    if not text:
        return None
    refs = find_references(text)
    return refs[0] if refs else None


def fill_references(refs: Iterable[Reference], mentions: Iterable[Reference]) -> list[Reference]:
    """refs with a missing date or issuer taken from the most common other mention of the number."""
    dates: dict[str, Counter[date]] = {}
    issuers: dict[str, Counter[str]] = {}
    spelled: dict[tuple[str, str], str] = {}
    for r in mentions:
        if r.date:
            dates.setdefault(r.number, Counter())[r.date] += 1
        if r.issuer:
            key = fold(r.issuer)
            issuers.setdefault(r.number, Counter())[key] += 1
            spelled.setdefault((r.number, key), r.issuer)
    out = []
    for r in refs:
        if r.date is None and r.number in dates:
            r = replace(r, date=dates[r.number].most_common(1)[0][0])
        if r.issuer is None and r.number in issuers:
            key = issuers[r.number].most_common(1)[0][0]
            r = replace(r, issuer=spelled[(r.number, key)])
        out.append(r)
    return out


def unique_references(refs: Iterable[Reference | None]) -> list[Reference]:
    """refs without Nones, keeping the first of each number."""
    seen: set[str] = set()
    out = []
    for r in refs:
        if r is not None and r.number not in seen:
            seen.add(r.number)
            out.append(r)
    return out
