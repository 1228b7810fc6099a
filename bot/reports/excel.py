"""The Excel workbook of a report: a row per task, filters, frozen header, a sheet per directive."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.figures import Figures, rolled_percents
from storage.reports import ReportTask

# Sheet names: at most 31 characters, none of : \ / ? * [ ].
_BAD_SHEET_CHARS = re.compile(r"[:\\/?*\[\]]")
_WIDTHS = (8, 18, 30, 11, 50, 14, 12, 20, 9, 50, 13, 10, 10)


def build_xlsx(
    figures: Figures,
    tasks: Sequence[ReportTask],
    labels: dict[str, str],
    day: Callable[[datetime | None], date | None],
) -> bytes:
    """The .xlsx file: an "all tasks" sheet first, then one sheet per directive."""
    percents = rolled_percents(tasks)
    book = Workbook(write_only=True)
    header = [labels[k] for k in _COLUMNS]
    by_directive: dict[int, list[ReportTask]] = {}
    for task in tasks:
        by_directive.setdefault(task.directive_id, []).append(task)
    sheets = [(labels["all_sheet"], list(tasks))]
    used = {labels["all_sheet"]}
    for link in figures.links:
        if link.id in by_directive:
            sheets.append((_sheet_name(link.code, used), by_directive[link.id]))
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        _sheet(sheet, header, [_row(t, percents, labels, day) for t in rows])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_COLUMNS = (
    "id",
    "directive",
    "unit",
    "role",
    "text",
    "deadline",
    "cycle",
    "status",
    "percent",
    "note",
    "note_date",
    "notes",
    "evidence",
)


def _row(
    task: ReportTask,
    percents: dict[int, int | None],
    labels: dict[str, str],
    day: Callable[[datetime | None], date | None],
) -> list[object]:
    return [
        task.id,
        task.directive_code,
        task.unit_name,
        labels[f"role_{task.role}"],
        " ".join(task.text.split()),
        task.deadline,
        task.recurrence or "",
        labels[task.standing] + (labels["blocked_suffix"] if task.blocked else ""),
        percents.get(task.id),
        task.note or "",
        day(task.note_at),
        task.notes,
        task.evidence,
    ]


def _sheet(sheet: Worksheet, header: list[str], rows: list[list[object]]) -> None:
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([_styled(sheet, h, bold, wrap) for h in header])
    for row in rows:
        sheet.append(row)


def _styled(sheet: Worksheet, value: str, font: Font, alignment: Alignment) -> object:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    cell.alignment = alignment
    return cell


def _sheet_name(code: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", code)[:31] or "VB"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name
