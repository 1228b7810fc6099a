"""The Word report, laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I) prescribes for a BÁO CÁO.

The words come from `messages/reports/bao_cao.j2`; this module only places them on the page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph
from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.dates import fmt_date
from bot.reports.figures import Figures, rolled_percents
from storage.reports import DirectiveLink, ReportTask

FONT = "Times New Roman"
BODY_PT = 14
# Section III names the most urgent problems one by one; the workbook lists them all.
PROBLEMS_SHOWN = 50
# Widths in cm of the task table's columns (TT, unit, task, progress, evidence) and of the
# header and signature blocks: 16.4 in all, the A4 width less the margins.
_COLUMNS = (1.0, 3.0, 6.1, 4.5, 1.8)
_LETTERHEAD = (6.6, 9.8)
_SIGNATURE = (7.0, 9.4)


@dataclass(frozen=True)
class Letterhead:
    """Who issues and signs the report."""

    body: str
    parent: str
    place: str
    signer: str
    recipients: tuple[str, ...]
    # How each directive's issuer is named in the text (the roster's spelling when known).
    issuers: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """One directive's tasks in section II."""

    link: DirectiveLink
    tasks: list[ReportTask]


@cache
def _environment() -> Environment:
    # Not the chat environment: a Word file is not HTML, so nothing may be escaped.
    env = Environment(
        loader=PackageLoader("messages", "reports"),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ddmmyyyy"] = lambda d: fmt_date(d) if d else "—"
    env.filters["oneline"] = _oneline
    env.filters["shorten"] = _shorten
    # A directive without a number is written "(chưa số)/UBND-TNMT", never "/UBND-TNMT".
    env.filters["code"] = lambda c: f"(chưa số){c}" if c.startswith("/") else c
    return env


def _oneline(text: str) -> str:
    # One template line is one paragraph, and "|" separates table cells.
    return " ".join(str(text).split()).replace("|", "/")


def _shorten(text: str, width: int = 160) -> str:
    text = _oneline(text)
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width - 1].rstrip(" ,;") + "…"


def report_lines(
    figures: Figures, tasks: list[ReportTask], head: Letterhead, today: date, tz: ZoneInfo
) -> list[str]:
    """The report's paragraphs, rendered from the template."""
    codes = {d.id: d.code for d in figures.links}
    by_directive: dict[int, list[ReportTask]] = {}
    for task in tasks:
        by_directive.setdefault(task.directive_id, []).append(task)
    groups = [
        Group(d, _under_leads(by_directive[d.id])) for d in figures.links if d.id in by_directive
    ]
    problems = sorted(
        (t for t in tasks if t.standing == "overdue" or t.blocked),
        key=lambda t: (-t.days_overdue, not t.blocked, t.id),
    )
    lead = sum(t.role == "lead" for t in tasks)
    named = next((d for d in figures.links if d.id == figures.scope.directive_id), None)
    text = (
        _environment()
        .get_template("bao_cao.j2")
        .render(
            f=figures,
            groups=groups,
            problems=problems[:PROBLEMS_SHOWN],
            more_problems=max(len(problems) - PROBLEMS_SHOWN, 0),
            roles={"lead": lead, "other": len(tasks) - lead},
            codes=codes,
            percents=rolled_percents(tasks),
            day=lambda m: m.astimezone(tz).date() if m else None,
            parent=head.parent,
            body=head.body,
            body_short=_short_name(head.body),
            place=head.place,
            today=today,
            named=named,
            issuers=head.issuers,
            recipients=head.recipients,
            signer=head.signer,
        )
    )
    return [line for line in text.splitlines() if line.strip()]


def _under_leads(tasks: list[ReportTask]) -> list[ReportTask]:
    """The tasks in order, each coordinating unit's task right under the lead task it shares."""
    ids = {t.id for t in tasks}
    under: dict[int, list[ReportTask]] = {}
    for task in tasks:
        if task.lead_task_id in ids and task.lead_task_id != task.id:
            under.setdefault(task.lead_task_id, []).append(task)
    placed = {t.id for helpers in under.values() for t in helpers}
    ordered: list[ReportTask] = []
    for task in tasks:
        if task.id not in placed:
            ordered += [task, *under.get(task.id, ())]
    return ordered


def _short_name(body: str) -> str:
    lowered = body.lower()
    for prefix, short in (
        ("ủy ban nhân dân", "UBND"),
        ("huyện ủy", "HU"),
        ("tỉnh ủy", "TU"),
        ("thành ủy", "ThU"),
    ):
        if lowered.startswith(prefix):
            return short
    return "".join(w[0] for w in body.split() if w[:1].isupper()) or "…"


def build_docx(
    figures: Figures, tasks: list[ReportTask], head: Letterhead, today: date, tz: ZoneInfo
) -> bytes:
    """The .docx file of the report."""
    lines = report_lines(figures, tasks, head, today, tz)
    doc = Document()
    _page(doc)
    fixed: dict[str, list[str]] = {}
    body: list[str] = []
    for line in lines:
        if line.startswith("@"):
            name, _, value = line[1:].partition(" ")
            fixed.setdefault(name, []).append(value.strip())
        else:
            body.append(line)
    _letterhead(doc, fixed)
    _title(doc, fixed)
    doc.add_paragraph(_MARKER)
    _signature(doc, fixed)
    out = io.BytesIO()
    doc.save(out)
    return _with_body(out.getvalue(), _body_xml(body))


# Where the body goes in the saved file. Moving thousands of parsed elements into the
# document costs lxml quadratic time; the body is written into the saved XML as text instead.
_MARKER = "DONDOC-REPORT-BODY"


def _with_body(docx: bytes, body: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.index(_MARKER)
                start = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
                end = xml.index("</w:p>", at) + len("</w:p>")
                data = (xml[:start] + body + xml[end:]).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(16)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.15


def _write(
    paragraph: Paragraph,
    text: str,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = FONT
    run.bold = bold
    run.italic = italic
    return paragraph


def _rule(paragraph: Paragraph, indent_cm: float) -> None:
    """A line under the paragraph, shortened by `indent_cm` at each side."""
    paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.paragraph_format.right_indent = Cm(indent_cm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _no_borders(table: Any) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f'<w:{side} w:val="nil"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)


def _fixed_widths(table: Any, widths: tuple[float, ...]) -> None:
    """Column widths that Word and LibreOffice both keep (a fixed layout, a grid, each cell)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for col, width in zip(table._tbl.tblGrid.iterchildren(), widths, strict=True):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _letterhead(doc: DocumentObject, fixed: dict[str, list[str]]) -> None:
    """Issuing body (under its parent) at top left, the national motto at top right."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, _LETTERHEAD)
    _no_borders(table)
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    parent = fixed.get("parent", [""])[0]
    if parent:
        _write(first, parent, 12)
        first = left.add_paragraph()
    _write(first, fixed["body"][0], 12, bold=True)
    # The rules: about a third of the body's name under it, the motto's length under it.
    _rule(_write(left.add_paragraph(), "", 4), 2.2)
    _write(right.paragraphs[0], fixed["motto"][0], 12.5, bold=True)
    _rule(_write(right.add_paragraph(), fixed["motto2"][0], 13, bold=True), 1.5)
    number, place = table.rows[1].cells
    _write(number.paragraphs[0], fixed["number"][0], 13).paragraph_format.space_before = Pt(6)
    dated = _write(place.paragraphs[0], fixed["place"][0], 14, italic=True)
    dated.paragraph_format.space_before = Pt(6)


def _title(doc: DocumentObject, fixed: dict[str, list[str]]) -> None:
    title = _write(doc.add_paragraph(), fixed["title"][0], 14, bold=True)
    title.paragraph_format.space_before = Pt(18)
    subject = _write(doc.add_paragraph(), fixed["subject"][0], 14, bold=True)
    subject.paragraph_format.left_indent = Cm(1.5)
    subject.paragraph_format.right_indent = Cm(1.5)
    _rule(_write(doc.add_paragraph(), "", 6), 6.0)
    doc.add_paragraph().paragraph_format.space_after = Pt(6)


def _body_xml(lines: Iterable[str]) -> str:
    """Sections, paragraphs and task tables, as WordprocessingML text."""
    parts: list[str] = []
    rows: list[list[str]] = []
    for line in lines:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if rows:
            parts.append(_table_xml(rows))
            rows = []
        if line.startswith("## "):
            parts.append(_paragraph_xml(line[3:], bold=True, align="left", before=6))
        elif line.startswith("# "):
            parts.append(_paragraph_xml(line[2:], bold=True, align="left", before=6))
        else:
            parts.append(_paragraph_xml(line))
    if rows:
        parts.append(_table_xml(rows))
    return "".join(parts)


def _paragraph_xml(
    text: str,
    *,
    bold: bool = False,
    align: str = "both",
    before: int = 0,
    indent_cm: float = 1.0,
) -> str:
    run = "<w:b/>" if bold else ""
    return (
        f'<w:p><w:pPr><w:spacing w:before="{before * 20}" w:after="120"/>'
        f'<w:ind w:firstLine="{int(indent_cm * 567)}"/><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:rPr>{run}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def _table_xml(rows: list[list[str]]) -> str:
    """The task table: fixed columns, grid borders, the header row repeated on every page."""
    grid = "".join(f'<w:gridCol w:w="{int(w * 567)}"/>' for w in _COLUMNS)
    edges = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    body = "".join(_row_xml(row, header=i == 0) for i, row in enumerate(rows))
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{int(sum(_COLUMNS) * 567)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{edges}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
        '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>'
    )


def _row_xml(cells: list[str], *, header: bool) -> str:
    size = 24  # half-points: 12 pt in the table, as wide tables usually are
    parts = ["<w:tr>"]
    if header:
        parts.append("<w:trPr><w:tblHeader/></w:trPr>")
    for text, width in zip(cells, _COLUMNS, strict=False):
        bold = "<w:b/>" if header else ""
        align = "center" if header or width < 1.5 else "left"
        parts.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{int(width * 567)}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="40" w:after="40"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>{bold}'
            f'<w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
            "</w:p></w:tc>"
        )
    parts.append("</w:tr>")
    return "".join(parts)


def _signature(doc: DocumentObject, fixed: dict[str, list[str]]) -> None:
    """'Nơi nhận' at bottom left, the signer's authority and name at bottom right."""
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    table = doc.add_table(rows=1, cols=2)
    _fixed_widths(table, _SIGNATURE)
    _no_borders(table)
    left, right = table.rows[0].cells
    _write(
        left.paragraphs[0],
        fixed["recipients"][0],
        12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    for line in fixed.get("recipient", []):
        _write(left.add_paragraph(), line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _write(right.paragraphs[0], fixed["sign"][0], 14, bold=True)
    _write(right.add_paragraph(), fixed["signnote"][0], 12, italic=True)
    for _ in range(3):
        right.add_paragraph()
    _write(right.add_paragraph(), fixed["signer"][0] if fixed.get("signer") else "", 14, bold=True)


def place_of(body: str) -> str:
    """The place name in a body's name: "Ủy ban nhân dân huyện Mỹ Xuyên" → "Mỹ Xuyên"."""
    lowered = body.lower() + " "
    for marker in (
        "thị trấn ",
        "thành phố ",
        "thị xã ",
        "huyện ",
        "tỉnh ",
        "xã ",
        "phường ",
        "quận ",
    ):
        at = lowered.find(marker)
        if at >= 0:
            found = body[at + len(marker) :].strip()
            if found:
                return found
    return "……"
