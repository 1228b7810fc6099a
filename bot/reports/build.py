"""Putting a report together: the chat reply with its chart, and the Word and Excel files.

Charts and documents are CPU work: the bot draws and builds them in processes of their own
(bot/reports/drawing.py, bot/reports/later.py); here the two files are built in threads, off
the event loop of whichever process builds them.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain import Official, Unit
from bot.importer import directory_of
from bot.reports.chart import chart_spec
from bot.reports.excel import build_xlsx
from bot.reports.figures import Figures, window
from bot.reports.word import Letterhead, build_docx, place_of
from bot.summary import compose
from bot.transports import OutFile, Reply
from messages import render
from storage import Store
from storage.reports import ReportTask


def labels(locale: str) -> dict[str, str]:
    """The words of the Excel workbook, from the `report_labels` template."""
    pairs = (line.split("|", 1) for line in render("report_labels", locale).splitlines())
    return {key.strip(): value.strip() for key, value in pairs}


def file_stem(figures: Figures) -> str:
    """ "bao-cao-412-kh-ubnd-20261101-20261130": ASCII, for any platform's file names."""
    ascii_label = (
        unicodedata.normalize("NFKD", figures.scope.label.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")[:40]
    return f"bao-cao-{slug or 'tong-hop'}-{figures.period.key}"


def chat_reply(figures: Figures, locale: str, tz: ZoneInfo) -> Reply:
    """The summary text, its part buttons, and the chart: drawn when it is sent, after the
    text, so that the answer does not wait for the drawing."""
    summary = compose(figures, locale, tz)
    files: tuple[OutFile, ...] = ()
    # One unit's bar says no more than the counts do.
    if len(figures.units) > 1:
        spec = chart_spec(figures, labels(locale))
        files = (OutFile(file_stem(figures) + ".png", spec, "chart"),)
    return Reply(summary.text, buttons=summary.buttons, files=files)


async def report_tasks(
    store: Store, figures: Figures, now: datetime, tz: ZoneInfo
) -> list[ReportTask]:
    """Every task of the report's scope and period, one row each."""
    return await store.report_tasks(window(figures.scope, figures.period, now, tz))


async def letterhead(store: Store, figures: Figures, me: Official | None) -> Letterhead:
    """The issuing body (a leader's unit, else the scope's top unit) and who signs."""
    units = {u.id: u for u in await store.units()}
    mine = me is not None and me.role != "admin"
    body = units.get(me.unit_id) if me is not None and mine else _top_unit(figures, units)
    name = body.name if body else figures.scope.label
    parent = units.get(body.parent_id) if body and body.parent_id else None
    place = "……"
    # A department takes its place name from the body above it ("Phòng Nội vụ" → Mỹ Xuyên).
    seen: set[int] = set()
    while body is not None and body.id not in seen and place == "……":
        seen.add(body.id)
        place = place_of(body.name)
        body = units.get(body.parent_id) if body.parent_id else None
    directory = await directory_of(store)
    issuers = {}
    for link in figures.links:
        unit = directory.by_name(link.issuer) if link.issuer else None
        if unit is not None:
            issuers[link.id] = unit.name
    return Letterhead(
        body=name,
        parent=parent.name if parent else "",
        place=place,
        signer=me.name if me is not None else "",
        recipients=(parent.name,) if parent else (),
        issuers=issuers,
    )


def _top_unit(figures: Figures, units: dict[int, Unit]) -> Unit | None:
    if figures.scope.unit_id is not None:
        return units.get(figures.scope.unit_id)
    # The top unit above most of the scope's tasks.
    weight: dict[int, int] = {}
    for part in figures.units:
        unit = units.get(part.id)
        seen: set[int] = set()
        while unit is not None and unit.parent_id in figures.scope.unit_ids:
            if unit.id in seen:
                break
            seen.add(unit.id)
            unit = units.get(unit.parent_id)
        if unit is not None:
            weight[unit.id] = weight.get(unit.id, 0) + part.counts.total
    if not weight:
        return None
    return units[max(weight, key=lambda i: (weight[i], -i))]


async def documents(
    store: Store,
    figures: Figures,
    me: Official | None,
    now: datetime,
    tz: ZoneInfo,
    locale: str,
) -> tuple[OutFile, OutFile]:
    """The .docx report and the .xlsx workbook."""
    tasks = await report_tasks(store, figures, now, tz)
    head = await letterhead(store, figures, me)
    today = now.astimezone(tz).date()

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment else None

    docx, xlsx = await asyncio.gather(
        asyncio.to_thread(build_docx, figures, tasks, head, today, tz),
        asyncio.to_thread(build_xlsx, figures, tasks, labels(locale), day),
    )
    stem = file_stem(figures)
    return OutFile(stem + ".docx", docx), OutFile(stem + ".xlsx", xlsx)
