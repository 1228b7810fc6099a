"""The text of a .docx file: paragraphs and tables in document order, letterhead first.

python-docx (python-openxml) is the long-standing, typed reader of WordprocessingML; it gives
the body's paragraphs and tables in their real order, and its lxml elements let us read list
numbering, which it does not render itself.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .normalize import fold
from .readers import DocumentError, msg_corrupt

# A 10 MB .docx that inflates past this is a zip bomb, not a directive.
_MAX_INFLATED = 200 * 1024 * 1024
_MOTTO_WORDS = (
    "cộng hòa xã hội chủ nghĩa",
    "cộng hoà xã hội chủ nghĩa",
    "độc lập",
    "đảng cộng sản",
)


def read_docx(data: bytes) -> str:
    """The text of a .docx file's bytes, one paragraph or table row a line."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > _MAX_INFLATED:
                raise DocumentError(msg_corrupt(".docx"))
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_document_lines(document))
    except DocumentError:
        raise
    except Exception as e:  # python-docx and lxml raise many kinds; the user needs one message
        raise DocumentError(msg_corrupt(".docx")) from e


def _document_lines(document: Document) -> Iterator[str]:
    numbers = _Numbering(document)
    blocks = list(document.iter_inner_content())
    head = next((b for b in blocks[:8] if isinstance(b, Table) and _is_letterhead(b)), None)
    if head is None:
        # Letterheads are often put in the first page's header, which is otherwise page furniture.
        section = document.sections[0] if document.sections else None
        if section is not None:
            part = (
                section.first_page_header
                if section.different_first_page_header_footer
                else section.header
            )
            if not part.is_linked_to_previous:
                found = [b for b in part.iter_inner_content() if isinstance(b, Table)]
                letterheads = [t for t in found if _is_letterhead(t)]
                if letterheads:
                    yield from _letterhead_lines(letterheads[0])
    for block in blocks:
        if isinstance(block, Paragraph):
            yield _paragraph_text(block, numbers)
        elif block is head:
            yield from _letterhead_lines(block)
        else:
            yield from _table_lines(block, numbers)


def _is_letterhead(table: Table) -> bool:
    """A two- or three-column table at the top that holds the national or party motto."""
    columns = max((len(r.cells) for r in table.rows), default=0)
    if not 2 <= columns <= 3 or len(table.rows) > 6:
        return False
    text = fold(" ".join(c.text for r in table.rows for c in r.cells))
    return any(fold(w) in text for w in _MOTTO_WORDS)


def _letterhead_lines(table: Table) -> Iterator[str]:
    """Each column top to bottom, left column first, as the parser expects an issuer block."""
    # Holding the elements keeps their lxml proxies alive, so `is` finds merged cells again.
    seen: list[Any] = []
    columns = max(len(r.cells) for r in table.rows)
    for col in range(columns):
        for row in table.rows:
            cells = row.cells
            if col >= len(cells) or any(tc is cells[col]._tc for tc in seen):
                continue
            seen.append(cells[col]._tc)
            for p in cells[col].paragraphs:
                yield from (s for s in p.text.split("\n") if s.strip())


def _table_lines(table: Table, numbers: _Numbering) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        last: Any = None
        for cell in row.cells:
            # A horizontally merged cell comes back once per grid column; a vertically merged
            # one is repeated on each row on purpose, since it applies to every row it spans.
            if cell._tc is last:
                continue
            last = cell._tc
            cells.append(_cell_text(cell, numbers))
        if any(cells):
            yield " | ".join(cells)


def _cell_text(cell: _Cell, numbers: _Numbering) -> str:
    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(_paragraph_text(block, numbers))
        else:
            parts.extend(_table_lines(block, numbers))
    return " ".join(" ".join(p.split()) for p in parts if p.strip())


def _paragraph_text(p: Paragraph, numbers: _Numbering) -> str:
    text = p.text.replace("\t", " ")
    label = numbers.label(p)
    return f"{label} {text}" if label and text.strip() else text


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l")]
_ROMAN += [(40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    match fmt:
        case "lowerLetter":
            return _letter(n)
        case "upperLetter":
            return _letter(n).upper()
        case "lowerRoman":
            return _roman(n)
        case "upperRoman":
            return _roman(n).upper()
        case _:
            return str(n)


class _Numbering:
    """Word's automatic list labels ("1.", "a)", "-"), which python-docx does not render.

    Directives number their sections and tasks with Word lists; without the labels the parser
    cannot tell a heading "1." from the prose around it.
    """

    def __init__(self, document: Document) -> None:
        self._levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._counts: dict[tuple[str, int], int] = {}
        self._styles: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.iterchildren(qn("w:abstractNum")):
            abstract[a.get(qn("w:abstractNumId"))] = {
                int(lvl.get(qn("w:ilvl"), "0")): (
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                    int(_val(lvl, "w:start") or "1"),
                )
                for lvl in a.iterchildren(qn("w:lvl"))
            }
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(qn("w:val")), {}).items():
                self._levels[(num.get(qn("w:numId")), ilvl)] = spec
        for style in document.styles.element.iterchildren(qn("w:style")):
            found = _num_pr(style)
            if found:
                self._styles[style.get(qn("w:styleId"))] = found

    def label(self, p: Paragraph) -> str | None:
        """The list label of a paragraph, counting it, or None when it is not in a list."""
        found = _num_pr(p._p) or self._styles.get(p._p.style or "")
        if found is None or found[0] == "0":
            return None
        num_id, ilvl = found
        spec = self._levels.get((num_id, ilvl))
        if spec is None:
            return "-"
        fmt, text, _ = spec
        if fmt == "bullet":
            return "-"
        self._counts[(num_id, ilvl)] = self._counts.get((num_id, ilvl), 0) + 1
        # A higher-level item restarts the counting of the levels below it.
        for key in [k for k in self._counts if k[0] == num_id and k[1] > ilvl]:
            del self._counts[key]
        if fmt == "none":
            return text.strip() or None
        for level in range(9):
            if f"%{level + 1}" in text:
                lvl_fmt, _, start = self._levels.get((num_id, level), ("decimal", "", 1))
                n = self._counts.get((num_id, level), 1) + start - 1
                text = text.replace(f"%{level + 1}", _format(n, lvl_fmt))
        return text.strip() or "-"


def _val(el: Any, tag: str) -> str | None:
    child = el.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _num_pr(el: Any) -> tuple[str, int] | None:
    ppr = el.find(qn("w:pPr"))
    num_pr = None if ppr is None else ppr.find(qn("w:numPr"))
    if num_pr is None:
        return None
    num_id = _val(num_pr, "w:numId")
    return None if num_id is None else (num_id, int(_val(num_pr, "w:ilvl") or "0"))
