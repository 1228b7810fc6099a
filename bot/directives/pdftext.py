"""The text layer of a .pdf file, page by page, with ruled tables read row by row.

pdfplumber (over pdfminer.six, both actively maintained) rather than pypdf: pypdf is faster and
has no dependencies, but a directive's task table matters most, and pdfplumber finds ruled
tables and gives each row's cells, where plain extraction interleaves the wrapped lines of
neighbouring cells. Its layout mode also keeps the two letterhead columns apart by a wide gap
("HUYỆN X      Độc lập - Tự do - Hạnh phúc"), which the parser splits on. Both libraries map
glyphs through the font's ToUnicode table and so return Vietnamese letters as the PDF's
producer wrote them, precomposed or with combining marks; the caller normalises to NFC.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from .readers import DocumentError, msg_corrupt

log = logging.getLogger(__name__)

MSG_SCANNED = (
    "Tệp PDF này là bản quét (ảnh), không có lớp chữ; "
    "hãy gửi bản .docx hoặc bản PDF có chữ (xuất từ Word)."
)
MSG_ENCRYPTED = "Tệp PDF này được đặt mật khẩu; hãy gửi bản không có mật khẩu."

# A page of a directive has a thousand letters or more; a scan has none, or only the few of a
# digital-signature stamp laid over the image ("Ký bởi: ... Thời gian ký: ...").
_TEXT_PAGE_LETTERS = 300
_STAMP_LETTERS = 20
_SPACES_RE = re.compile(r" {2,}")


def read_pdf(data: bytes) -> str:
    """The text of a PDF's bytes, pages in order, or a DocumentError for scans and bad files."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page(page) for page in pdf.pages]
    except PdfminerException as e:
        cause = e.args[0] if e.args else None
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise DocumentError(MSG_ENCRYPTED) from e
        log.info("unreadable PDF: %r", cause)
        raise DocumentError(msg_corrupt(".pdf")) from e
    except Exception as e:  # pdfminer raises many kinds on a damaged file; one message for all
        log.info("unreadable PDF: %r", e)
        raise DocumentError(msg_corrupt(".pdf")) from e
    if not any(has_text for _, has_text in pages):
        raise DocumentError(MSG_SCANNED)
    return "\n".join(text for text, _ in pages if text)


def _page(page: Any) -> tuple[str, bool]:
    """A page's text, and whether it is a text page rather than a scan."""
    parts: list[str] = []
    x0, top, x1, bottom = page.bbox
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    cursor = top
    for table in tables:
        # Tables found inside another (a cell's own ruled box) are read with their outer table.
        if table.bbox[1] < cursor:
            continue
        parts.append(_band(page, (x0, cursor, x1, table.bbox[1])))
        parts.extend(_row(row) for row in table.extract())
        cursor = table.bbox[3]
    parts.append(_band(page, (x0, cursor, x1, bottom)))
    text = _squeeze("\n".join(parts))
    letters = sum(ch.isalpha() for ch in text)
    area = (x1 - x0) * (bottom - top)
    scanned = any((i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) > area / 3 for i in page.images)
    return text, letters >= _TEXT_PAGE_LETTERS or (letters >= _STAMP_LETTERS and not scanned)


def _band(page: Any, bbox: tuple[float, float, float, float]) -> str:
    if bbox[3] - bbox[1] < 1:
        return ""
    text: str = page.within_bbox(bbox).extract_text(layout=True)
    return text


def _row(cells: list[str | None]) -> str:
    # pdfplumber gives None for the grid positions a merged cell spans.
    texts = [" ".join(c.split()) for c in cells if c is not None]
    return " | ".join(texts) if any(texts) else ""


def _squeeze(text: str) -> str:
    """Layout text without its padding: one space between words, four between columns.

    Blank lines go too: layout mode puts lines on a fixed grid, so a line spaced a little wider
    than the grid gets a blank line before it, even in mid-paragraph, and the parser would take
    that for a paragraph break. Paragraphs are found from line lengths instead, as in any
    hard-wrapped text.
    """
    lines = (_SPACES_RE.sub(_gap, raw.strip()) for raw in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _gap(m: re.Match[str]) -> str:
    return " " if len(m.group()) < 4 else "    "
