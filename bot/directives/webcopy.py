"""Web copies of documents: the page's metadata block, the document cut out of the site text.

Law portals print a metadata table ("Số hiệu:", "Ngày ban hành:") above the document, lay
the letterhead out as table cells between lines holding only "|", wrap every line near 80
columns even inside bold or italic spans ("**CỘNG HÒA XÃ HỘI\\nCHỦ NGHĨA VIỆT NAM**"), and
follow the document with related documents, footers and notices. This stage gives the
document's own text and the metadata, which later stages use where the letterhead is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import MARKER_RE
from .normalize import fold, is_caps

_META_LABELS = {
    "số hiệu": "number",
    "loại văn bản": "kind",
    "nơi ban hành": "issuer",
    "người ký": "signer",
    "ngày ban hành": "date",
}
_LAST_META = ("tình trạng", "số công báo", "ngày công báo", "ngày hiệu lực")
_TRAILER_RE = re.compile(
    r"^(?:Công văn|Quyết định|Công điện|Thông báo|Chỉ thị|Kế hoạch|Nghị quyết|Thông tư"
    r"|Nghị định|Hướng dẫn|Kết luận|Chương trình|Báo cáo|Luật)\s+\d[\w./-]*\s.*\bban hành$"
)
_SITE_END = ("## Văn bản liên quan", "Văn bản này chưa cập nhật nội dung Tiếng Anh")
_MOTTO_OPENINGS = ("cộng hòa xã hội", "đảng cộng sản")
# Fewer lines than this between the metadata and the letterhead are the page's own chrome.
_SUMMARY_LINES = 8
_FOOTNOTE_MARK_RE = re.compile(r"\[(?:\d{1,3}|[ivxl]{1,6})\]")
# A span of emphasis longer than this is a page's layout, not a wrapped heading or cell.
_SPAN_LINES = 5
_SPAN_CHARS = 400


@dataclass(frozen=True)
class PageMeta:
    """What a portal's metadata block says about the document, as written there."""

    number: str | None = None
    kind: str | None = None
    issuer: str | None = None
    signer: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Source:
    """The text of the document itself, and the page's metadata when it was a web copy."""

    text: str
    meta: PageMeta | None = None


def _label(line: str) -> str | None:
    s = line.replace("*", "").strip()
    return fold(s[:-1]) if s.endswith(":") and len(s) <= 30 else None


def _value_after(lines: list[str], i: int) -> tuple[str | None, int]:
    """The first line after i that is not a cell rule or blank, and its index."""
    for j in range(i + 1, min(i + 5, len(lines))):
        s = lines[j].replace("*", "").strip()
        if s and s != "|":
            return s, j
    return None, i


def read_meta(lines: list[str]) -> tuple[PageMeta | None, int]:
    """The metadata block of a web copy and the line after it (0 when there is none)."""
    found: dict[str, str] = {}
    end = 0
    for i, line in enumerate(lines[:200]):
        label = _label(line)
        if label is None:
            continue
        if label in _META_LABELS or label in _LAST_META:
            value, j = _value_after(lines, i)
            if value is not None and label in _META_LABELS:
                found.setdefault(_META_LABELS[label], value)
            end = j + 1
    if "number" not in found:
        return None, 0
    return PageMeta(**found), end


def _letterhead_start(lines: list[str], start: int) -> int:
    """Where the letterhead begins after a portal's summary: the issuer's cell before the motto.

    Some portals print a summary of the document between the metadata block and the
    document itself; read as body text, it would hand out every task twice.
    """
    for k in range(start, min(len(lines) - 1, start + 400)):
        pair = fold(f"{lines[k]} {lines[k + 1]}".replace("*", ""))
        if not pair.startswith(_MOTTO_OPENINGS):
            continue
        j = k - 1
        while j > start and lines[j].strip() in ("|", ""):
            j -= 1
        while j > start and lines[j - 1].strip() != "|":
            j -= 1
        return j if j - start > _SUMMARY_LINES else start
    return start


def _document_end(lines: list[str], start: int) -> int:
    for i in range(start, len(lines)):
        s = lines[i].strip()
        if s.startswith(_SITE_END) or _TRAILER_RE.match(s):
            return i
    return len(lines)


def _join_spans(lines: list[str]) -> list[str]:
    """Lines wrapped inside one bold or italic span joined back into one line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i
        if _open(line):
            for k in range(i + 1, min(i + _SPAN_LINES, len(lines))):
                if not lines[k].strip() or lines[k].strip() == "|":
                    break
                joined = " ".join(x.strip() for x in lines[i : k + 1])
                if len(joined) > _SPAN_CHARS:
                    break
                if not _open(joined):
                    line, j = joined, k
                    break
        out.append(line)
        i = j + 1
    return out


# A line ending in ";" goes on when the next has no marker: a list written as one sentence.
_ENDS_RE = re.compile(r"(?:[.:!?]|\./\.)\s*$")
_LONE_MARKER_RE = re.compile(r"^(?:Điều\s+\d+|\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[IVX]{1,5})\s*[.)]\s*$")
_SIDE_RE = re.compile(r"^(?:\*|Nơi nhận|Kính gửi|Số\s*:|V/v\b|(?:KT|TM|TL|T/M|K/T)\.?\s)")


def _wraps(line: str, nxt: str) -> bool:
    """True when nxt carries on the paragraph of line in a web copy's hard-wrapped text."""
    a, b = line.strip(), nxt.strip()
    if " | " in a or " | " in b:
        return False
    if not a or not b or _LONE_MARKER_RE.match(a):
        return bool(a and b and _LONE_MARKER_RE.match(a))
    if _ENDS_RE.search(a) or _SIDE_RE.match(a) or _SIDE_RE.match(b) or MARKER_RE.match(b):
        return False
    return not is_caps(a) and not is_caps(b)


def _reflow(lines: list[str]) -> list[str]:
    """Hard-wrapped lines joined into one line per paragraph (sentences end their lines)."""
    out: list[str] = []
    for line in lines:
        if out and _wraps(out[-1], line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


_EMPTY = ""
# A web table's cell holds a few wrapped lines; a longer run is prose after the table.
_CELL_LINES = 15
_PROBE = 40
_STT_HEAD_RE = re.compile(r"^(?:STT|TT|Số TT|Số thứ tự)$", re.IGNORECASE)
_STT_RE = re.compile(r"^(?:\d{1,4}|[IVX]{1,5}|[a-zđA-ZĐ])\.?$")


class _Cells:
    """The cells between the rule lines of a page, each read once however often it is asked."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.rule = [x.strip() == "|" for x in lines]
        # The first rule line after each line (len(lines) when there is none).
        self.next_rule = [len(lines)] * len(lines)
        after = len(lines)
        for k in range(len(lines) - 1, -1, -1):
            self.next_rule[k] = after
            if self.rule[k]:
                after = k
        self._text: dict[int, str] = {}

    def cell(self, j: int) -> tuple[str, int] | None:
        """The cell opened by the rule at j and the rule that closes it, or None."""
        k = self.next_rule[j]
        if k >= len(self.lines) or k - j > _CELL_LINES:
            return None
        if j not in self._text:
            text = " ".join(x.strip() for x in self.lines[j + 1 : k] if x.strip())
            self._text[j] = text.replace("**", "").replace("*", "").strip() if text else _EMPTY
        return self._text[j], k


def _segments(cells_of: _Cells, i: int, limit: int = 1 << 30) -> tuple[list[str], int]:
    """Up to limit cells from the rule line at i on: text, or _EMPTY where two rules meet."""
    cells: list[str] = []
    j = i
    while j < len(cells_of.lines) and cells_of.rule[j] and len(cells) < limit:
        found = cells_of.cell(j)
        if found is None:
            break
        text, j = found
        cells.append(text)
    return cells, j


def _rows(cells: list[str]) -> list[list[str]]:
    """Table rows from a cell sequence whose header row ends at the first empty item.

    Two rules meeting mark both an empty cell and the end of a row; rows are read as wide as
    the header, and a row that comes out short or long is re-aligned on the next row number.
    """
    if _EMPTY not in cells:
        return []
    width = cells.index(_EMPTY)
    if width < 3:
        return []
    rows = [cells[:width]]
    k = width + 1
    while k < len(cells):
        row = cells[k : k + width]
        k += width
        if k < len(cells) and cells[k] == _EMPTY:
            k += 1
        elif k < len(cells):
            # Merged cells: start the next row at the next row number after an empty item.
            nxt = next(
                (
                    n
                    for n in range(k - width + 1, len(cells))
                    if cells[n - 1] == _EMPTY and _STT_RE.match(cells[n])
                ),
                len(cells),
            )
            row, k = cells[k - width : nxt - 1], nxt
        if any(row):
            rows.append(row)
    return rows


def _may_open_table(lines: list[str], i: int) -> bool:
    """True for a rule that may open a table: after text, or right before an "STT" cell."""
    if lines[i].strip() != "|":
        return False
    if i == 0 or lines[i - 1].strip() != "|":
        return True
    nxt = lines[i + 1].replace("*", "").strip() if i + 1 < len(lines) else ""
    return bool(_STT_HEAD_RE.match(nxt))


def _tables(lines: list[str]) -> list[str]:
    """Web tables laid out one cell per line between rules, as "cell | cell | cell" rows."""
    out: list[str] = []
    cells_of = _Cells(lines)
    i = 0
    while i < len(lines):
        # A table opens with a rule after text; rules after rules are inside a run of cells.
        # Enough cells for a header and two rows tell whether a table starts here.
        if _may_open_table(lines, i) and _is_table(_rows(_segments(cells_of, i, _PROBE)[0])):
            cells, j = _segments(cells_of, i)
            out.append("")
            out.extend(" | ".join(r) for r in _rows(cells))
            out.append("")
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return out


def _is_table(rows: list[list[str]]) -> bool:
    """A table has short header cells and numbered rows; a letterhead in cells has neither."""
    numbered = any(r and _STT_RE.match(r[0]) for r in rows[1:3])
    return len(rows) >= 2 and numbered and max(map(len, rows[0])) <= 80


def _open(line: str) -> bool:
    """True when a bold or an italic span opens on the line and does not close there."""
    bold = line.count("**")
    return bold % 2 == 1 or line.replace("**", "").count("*") % 2 == 1


def unwrap(text: str) -> Source:
    """The document inside a web page's text, with its metadata; other text as it is."""
    lines = text.split("\n")
    meta, start = read_meta(lines)
    cells = sum(1 for x in lines if x.strip() == "|")
    if meta is None and cells * 20 < len(lines):
        return Source(text)
    start = _letterhead_start(lines, start)
    end = _document_end(lines, start)
    tabled = _tables(lines[start:end])
    body = ["" if x.strip() == "|" else _FOOTNOTE_MARK_RE.sub("", x) for x in tabled]
    spans = [x.replace("**", "") for x in _join_spans(body)]
    return Source("\n".join(_reflow(spans)), meta)
