"""Parse the plain text of a directive file into one ParsedDocument per document.

The parser is a pipeline; ``parse_text`` at the bottom runs it, one stage a line:

1. normalise: cut a web copy's document out of the page (``webcopy``), join dates broken
   over lines, put an opening glued to the addressee on a line of its own, then clean and
   tag every line (``lines``);
2. split documents: one line range per number line (``_split``);
3. header: issuer, number, date, kind, subject, recipients, signer (``header``, with the
   page's metadata block where the letterhead is missing);
4. structure: paragraphs with their markers — sections, Điều, table rows (``reflow``);
5. assignment sentences, their units and their dates (``assignments``, ``units``, ``dates``),
   units shortened by an acronym spelled out from the names the document writes in full
   (``acronyms``);
6. links between the documents of one file (copies, parents cited by another document), and
   the sentences that address a unit with an action verb but gave no assignment
   (``leftovers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .acronyms import known_names, spell_out
from .assignments import extract
from .dates import deadline_from_text, parse_place_date, parse_vn_date
from .header import Header, document_copy_kind, issuer_from_orgs, signature, walk, walk_back
from .leftovers import find_unassigned
from .lines import Lines, Tag, read_lines
from .model import ParsedDocument, Reference, Unassigned
from .normalize import fold, join_split_syllables, org_case, split_glued_words, squash
from .reflow import Gap, Para, reflow
from .refs import (
    directive_references,
    fill_references,
    find_references,
    first_directive_reference,
    first_reference,
    parse_number_line,
    unique_references,
)
from .units import is_unit_start
from .webcopy import PageMeta, Source, unwrap

__all__ = [
    "deadline_from_text",
    "fold",
    "parse_number_line",
    "parse_place_date",
    "parse_text",
    "parse_vn_date",
]

_BODY_TAGS = {Tag.TEXT, Tag.MARKED, Tag.CAPS, Tag.TITLE}
_OPENING = ("thực hiện", "căn cứ", "triển khai", "thi hành")
# Lines between the bases of a decision and its articles that cite no parent.
# Paragraphs of narrative (a review of last year) that may come before the opening one.
_NARRATIVE_PARAS = 3
# A decision may list twenty bases ("Căn cứ Luật …", "Căn cứ Quyết định …") before Điều 1.
_OPENING_PARAS = 40
_ADDRESSING_RE = re.compile(r"^(?:\S+\s+){0,5}(?:điện|kính gửi)\s*:$", re.IGNORECASE)
_ASIDE = ("xét ", "theo đề nghị", "theo đề xuất", "theo văn bản đề nghị")
_SYMBOL_KINDS = {
    "CV": "Công văn",
    "KH": "Kế hoạch",
    "KL": "Kết luận",
    "CTR": "Chương trình",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "TTR": "Tờ trình",
    "HD": "Hướng dẫn",
    "CĐ": "Công điện",
    "QC": "Quy chế",
    "QĐI": "Quy định",
    "ĐA": "Đề án",
}
_ISSUING_RE = re.compile(
    r"(?:^|[,;:]\s*)(?P<who>[^,;:()]+?)\s+(?:ban hành|xây dựng|triển khai)\s+"
    r"(?:[Kk]ế hoạch|[Cc]hương trình|[Hh]ướng dẫn|[Qq]uyết định|[Cc]hỉ thị|[Tt]hông báo)"
)
_COMMITTEE_PREFIX_RE = re.compile(
    r"^(?:ban thường vụ|thường trực|ban chấp hành|ban cán sự đảng)\s+", re.IGNORECASE
)
_BARE_LEVEL_RE = re.compile(
    r"(?:^|\s)(?:tỉnh ủy|huyện ủy|thành ủy|thị ủy|quận ủy|đảng ủy|"
    r"(?:ủy ban nhân dân|ubnd|hđnd|hội đồng nhân dân) (?:tỉnh|huyện|xã|thành phố|thị xã|quận))$"
)


@dataclass
class _Doc:
    parsed: ParsedDocument
    # Who the document speaks for when another document cites it ("CỦA BỘ CHÍNH TRỊ").
    speaks_for: str | None
    # Every document the subject and body cite, with whatever date and issuer they give.
    mentions: list[Reference]


_BROKEN_DATE_RES = (
    (re.compile(r"\b(ngày|tháng|năm)[ \t]*\n[ \t]*(\d)"), r"\1 \2"),
    (re.compile(r"\b((?:ngày|tháng)[ \t]+\d{1,2})[ \t]*\n[ \t]*(tháng|năm)\b"), r"\1 \2"),
)


# A web copy may run the body on after the addressee: "Kính gửi: Ủy ban nhân dân các tỉnh
# Thực hiện Nghị định số …" is an addressee and the opening paragraph.
_GLUED_OPENING_RE = re.compile(
    r"(?<=[a-zà-ỹđ])[ \t]+(?=(?:Thực hiện|Căn cứ|Để|Nhằm|Trên cơ sở|Theo đề nghị)\s)"
)
_KINH_GUI_LINE_RE = re.compile(r"^[-–\s*]*Kính\s+gửi\b", re.IGNORECASE)
# Lines of the addressee block a glued opening may sit on, counting the "Kính gửi" one.
_ADDRESSEE_LINES = 3


def _unglue_opening(text: str) -> str:
    """The text with the opening paragraph glued to the addressee block on a line of its own."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not _KINH_GUI_LINE_RE.match(line):
            continue
        for k in range(i, min(i + _ADDRESSEE_LINES, len(lines))):
            glued = _GLUED_OPENING_RE.search(lines[k])
            if glued:
                lines[k] = f"{lines[k][: glued.start()]}\n\n{lines[k][glued.end() :]}"
                break
        break
    return "\n".join(lines)


def normalise(text: str) -> Source:
    """Stage 1: the document's own text (out of a web page) with dates joined across lines."""
    source = unwrap(text)
    joined = "\n".join(
        split_glued_words(join_split_syllables(line)) for line in source.text.split("\n")
    )
    for pattern, repl in _BROKEN_DATE_RES:
        joined = pattern.sub(repl, joined)
    return replace(source, text=_unglue_opening(joined))


def _split(lines: Lines) -> list[tuple[int, int]]:
    """Line ranges of the documents in a file, anchored on their number lines."""
    anchors = [i for i, t in enumerate(lines.tags) if t is Tag.NUMBER]
    n = len(lines.text)
    if len(anchors) <= 1:
        return [(0, n)]
    starts = [0]
    for prev, a in zip(anchors, anchors[1:], strict=False):
        starts.append(walk_back(lines, a, prev + 1))
    return list(zip(starts, [*starts[1:], n], strict=True))


_ATTACHMENT_RE = re.compile(
    r"^(?:phụ lục|\(?\s*(?:ban hành )?kèm theo\b|(?:kế hoạch|quy chế|quy định|chương trình|đề án"
    r"|danh mục|hướng dẫn)$)"
)


def _starts_attachment(lines: Lines, i: int) -> bool:
    """True for the first line of a document attached after the signature ("PHỤ LỤC")."""
    tag = lines.tags[i]
    if tag not in (Tag.CAPS, Tag.TITLE, Tag.TEXT, Tag.MARKED):
        return False
    f = fold(lines.text[i].strip(" *"))
    return bool(_ATTACHMENT_RE.match(f)) and (tag is not Tag.TEXT or f.startswith(("(", "kèm")))


def _body(lines: Lines, lo: int, hi: int, used: set[int]) -> list[Para]:
    tail = next(
        (
            i
            for i in range(lo, hi)
            if i not in used and lines.tags[i] in (Tag.NOI_NHAN, Tag.SIG, Tag.NUMBER)
        ),
        hi,
    )
    picked: list[tuple[str, Gap]] = []
    gap = Gap.NONE
    # A plan, a rule or an appendix "ban hành kèm theo" follows the signature: read it too.
    attached = next((i for i in range(tail, hi) if _starts_attachment(lines, i)), hi)
    for i in [*range(lo, tail), *range(attached, hi)]:
        tag = lines.tags[i]
        if i == attached:
            gap = Gap.BLANK
        if tag in (Tag.NOI_NHAN, Tag.SIG):
            continue
        if i in used:
            gap = Gap.REMOVED if picked else gap
        elif tag is Tag.BLANK:
            gap = Gap.BLANK if gap is Gap.NONE else gap
        elif tag in _BODY_TAGS:
            picked.append((lines.text[i], gap))
            gap = Gap.NONE
    return reflow(picked, lines.blank_breaks, lines.short_len)


def _kind(h: Header, copy: str | None) -> str | None:
    if copy:
        return copy
    if h.kind_title:
        return h.kind_title
    if h.symbol:
        parts = [p for p in re.split(r"[-/]", h.symbol) if not p.isdigit()]
        if parts and parts[0].upper() in _SYMBOL_KINDS:
            return _SYMBOL_KINDS[parts[0].upper()]
    subject = h.subject or ""
    if h.symbol or h.recipients or re.match(r"^(?:V/v|V\.v|Về)\b", subject, re.IGNORECASE):
        return "Công văn"
    return None


def _issuer_from_body(paras: list[Para], place: str | None) -> str | None:
    """The issuer named in the opening ("Ban Thường vụ Tỉnh ủy ban hành Kế hoạch") + place."""
    for p in paras[:3]:
        for m in _ISSUING_RE.finditer(p.text):
            who = squash(m["who"])
            if not is_unit_start(who):
                continue
            who = _COMMITTEE_PREFIX_RE.sub("", who)
            if place and _BARE_LEVEL_RE.search(fold(who)):
                who = f"{who} {place}"
            return who.upper()
    return None


def _opening_references(paras: list[Para]) -> list[Reference]:
    """The parents the opening "Thực hiện …" / "Căn cứ …" paragraphs cite.

    Each opening paragraph gives the first document it cites that directs work (Nghị quyết,
    Kết luận, Chỉ thị, Kế hoạch, Chương trình, Công văn, Quyết định…) and the ones joined to
    it by "và" or a comma; what that one in turn implements ("… thực hiện Nghị quyết số
    20-NQ/TW") is an ancestor, not a parent. A decision lists many "Căn cứ" lines: the laws
    and decrees among them cite no parent. A review of the past year may come before the
    opening paragraph, but not a numbered section.
    """
    refs: list[Reference] = []
    opened = False
    skipped = 0
    for p in paras[:_OPENING_PARAS]:
        if p.kind == "caps":
            continue
        # A Công điện lists its addressees ("THỦ TƯỚNG CHÍNH PHỦ điện:", "- Bộ trưởng …",
        # "Đồng kính gửi:") before it opens.
        if not opened and (p.kind == "bullet" or _ADDRESSING_RE.search(p.text)):
            continue
        if p.kind in ("num", "roman", "letter"):
            break
        f = fold(p.text[:40])
        if f.startswith(_ASIDE):
            continue
        if not f.startswith(_OPENING):
            # "Văn phòng Tỉnh ủy sao gửi Kết luận số …" forwards the document it names.
            at = p.text.find("sao gửi", 0, 200)
            ref = first_directive_reference(p.text[at:]) if at >= 0 else None
            refs.extend([ref] if ref else [])
            skipped += 1
            if opened or ref or skipped > _NARRATIVE_PARAS:
                break
            continue
        opened = True
        refs.extend(directive_references(p.text))
    return refs


_LOCAL_SYMBOL_RE = re.compile(r"(?:^|-)UBND(?:-|$)")


_CREDIT_RE = re.compile(
    r"^\(?\s*(?:Theo|Nguồn:?)\s+(?P<kind>Công văn|Quyết định|Kế hoạch|Thông báo|Chỉ thị"
    r"|Công điện|Kết luận|Chương trình|Hướng dẫn|Nghị quyết)\s+số\s+(?P<code>\S+?)\s*,?\s*"
    r"ngày\s+(?P<date>[^)]+?)\s*(?:của\s+(?P<who>[^)]+?))?\s*\)?\.?$",
    re.IGNORECASE,
)


def _fill_from_credit(lines: Lines, lo: int, hi: int, h: Header) -> None:
    """Number, date and kind from a copy's closing "(Theo Công văn số 1962/UBND-KT, ngày …)"."""
    if h.number or h.symbol:
        return
    tail = [i for i in range(lo, hi) if lines.tags[i] is not Tag.BLANK][-6:]
    for i in reversed(tail):
        m = _CREDIT_RE.match(lines.text[i])
        if not m:
            continue
        got = parse_number_line(f"Số: {m['code']}")
        if got:
            h.number, h.symbol = got
        if h.date is None:
            h.date = parse_vn_date(m["date"])[0]
        h.kind_title = h.kind_title or m["kind"][:1].upper() + m["kind"][1:].lower()
        h.used.add(i)
        return


def _fill_from_meta(h: Header, meta: PageMeta | None) -> None:
    """Number, date and kind from a web page's metadata block where the letterhead has none."""
    if meta is None:
        return
    if h.number is None and h.symbol is None and meta.number:
        got = parse_number_line(f"Số: {meta.number}")
        if got:
            h.number, h.symbol = got
    if h.date is None and h.date_partial is None and meta.date:
        h.date = parse_vn_date(meta.date)[0]
    if h.kind_title is None and meta.kind:
        h.kind_title = meta.kind


def _issuer_from_meta(h: Header, meta: PageMeta | None) -> str | None:
    """A people's committee named from the page's place of issue ("Thành phố Hồ Chí Minh")."""
    if meta is None or not meta.issuer or not h.symbol or not _LOCAL_SYMBOL_RE.search(h.symbol):
        return None
    place = meta.issuer
    if not fold(place).startswith(("tỉnh ", "thành phố ")):
        return None
    return f"ỦY BAN NHÂN DÂN {place.upper()}"


def _parse_document(lines: Lines, lo: int, hi: int, meta: PageMeta | None = None) -> _Doc:
    """Stages 3 to 5 for the document in lines[lo:hi]: header, structure, assignments."""
    h = Header()
    walk(lines, lo, hi, h)
    anchor = next((i for i in range(lo, hi) if lines.tags[i] is Tag.NUMBER), None)
    if anchor is not None and anchor not in h.used:
        walk(lines, walk_back(lines, anchor, lo), hi, h)
    if not h.has_date:
        for i in range(lo, hi):
            if lines.tags[i] is Tag.DATE:
                pd = parse_place_date(lines.text[i])
                if pd:
                    h.place, h.date, h.date_partial = pd
                    break
    _fill_from_meta(h, meta)
    _fill_from_credit(lines, lo, hi, h)
    paras = _body(lines, lo, hi, h.used)
    issuer, parent_issuer = issuer_from_orgs(h.orgs)
    if issuer is None:
        issuer = _issuer_from_body(paras, h.place) or _issuer_from_meta(h, meta)
    signer, signer_title = signature(lines, lo, hi, h.used)
    body_text = " ".join(p.text for p in paras)
    subject = h.subject
    mentions = find_references(f"{subject or ''} {body_text}")
    parents = unique_references([first_reference(subject), *_opening_references(paras)])
    assignments, sections = extract(paras, h.date)
    assignments = spell_out(assignments, known_names(h.recipients, assignments))
    doc = ParsedDocument(
        issuer=issuer,
        parent_issuer=parent_issuer,
        number=h.number,
        symbol=h.symbol,
        date=h.date,
        date_partial=h.date_partial,
        place=h.place,
        kind=_kind(h, document_copy_kind(lines, lo, hi)),
        subject=subject,
        signer=signer,
        signer_title=signer_title,
        recipients=tuple(h.recipients),
        parents=tuple(fill_references(parents, mentions)),
        assignments=tuple(assignments),
        sections=tuple(sections),
        text="\n".join(lines.text[lo:hi]).strip(),
    )
    speaks_for = h.title_of
    if speaks_for is None:
        delegations = [
            lines.text[i]
            for i in range(lo, hi)
            if lines.tags[i] is Tag.SIG and re.match(r"^(?:T/M|TM\.?)\s", lines.text[i])
        ]
        if delegations:
            speaks_for = re.sub(r"^(?:T/M|TM\.?)\s+", "", delegations[-1])
    return _Doc(doc, speaks_for, mentions)


def _self_reference(doc: _Doc, mentions: list[Reference]) -> Reference | None:
    """How another document would cite this one."""
    p = doc.parsed
    if not p.symbol or not p.number:
        return None
    if doc.speaks_for:
        issuer: str | None = org_case(doc.speaks_for)
    elif p.issuer:
        whole = p.issuer
        # "VĂN PHÒNG" under "TỈNH ỦY LONG AN" is "Văn phòng Tỉnh ủy Long An".
        if p.parent_issuer and not re.search(r"\b(?:ủy|tỉnh|huyện|xã|trung ương)\b", fold(whole)):
            whole = f"{whole} {p.parent_issuer}"
        issuer = org_case(whole)
    else:
        issuer = None
    ref = Reference(number=p.code, date=p.date, issuer=issuer)
    filled = fill_references([replace(ref, issuer=None)], mentions)[0]
    return replace(ref, issuer=filled.issuer or issuer)


def _link_copies(docs: list[_Doc], mentions: list[Reference]) -> list[ParsedDocument]:
    """A certified copy's parents are the document it copies, and what that one copies."""
    out: list[ParsedDocument] = []
    for i, d in enumerate(docs):
        p = d.parsed
        if p.kind in ("Sao y", "Sao lục") and i > 0:
            prev = docs[i - 1]
            own = _self_reference(prev, mentions)
            inherited = list(out[i - 1].parents) if prev.parsed.kind in ("Sao y", "Sao lục") else []
            parents = unique_references([*inherited, own, *p.parents])
            p = replace(p, parents=tuple(parents))
        out.append(p)
    return out


def parse_text(text: str) -> list[ParsedDocument]:
    """One ParsedDocument per document in the plain text of a file, in file order."""
    source = normalise(text)
    lines = read_lines(source.text)
    if all(t is Tag.BLANK for t in lines.tags):
        return []
    spans = _split(lines)
    docs = [
        _parse_document(lines, lo, hi, source.meta if k == 0 else None)
        for k, (lo, hi) in enumerate(spans)
    ]
    mentions = [r for d in docs for r in d.mentions]
    out = _link_copies(docs, mentions)
    out = [replace(p, parents=tuple(fill_references(p.parents, mentions))) for p in out]
    return _with_unassigned(text, out)


def _with_unassigned(text: str, docs: list[ParsedDocument]) -> list[ParsedDocument]:
    """Stage 6: each document with the sentences that look like tasks but became none."""
    found = find_unassigned(text, [a for d in docs for a in d.assignments])
    if len(docs) == 1:
        return [replace(docs[0], unassigned=tuple(found))]
    mine: list[list[Unassigned]] = [[] for _ in docs]
    for u in found:
        k = next((k for k, d in enumerate(docs) if u.text[:40] in d.text), len(docs) - 1)
        mine[k].append(u)
    return [replace(d, unassigned=tuple(m)) for d, m in zip(docs, mine, strict=True)]
