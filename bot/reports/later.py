"""Files made when their message is sent, after its text: a summary's chart, a report's Word
and Excel files.

The owed message holds what to make, a few hundred bytes of JSON, so a leader's answer does
not wait for the drawing or the building, and a message cut short by a restart is made
again when it is sent again. A report is built in a process of its own, which reads the
database itself: python-docx and openpyxl hold the interpreter lock for the minute a
province's files take, and in the bot's process every chat answer waited meanwhile.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.reports.drawing import draw_chart
from bot.reports.figures import Figures, gather
from bot.reports.period import Period
from bot.reports.scope import Scope
from bot.services import Services
from bot.transports.contract import OutFile
from bot.workers import Worker, WorkerUnavailable
from storage import Store

# A report cut short is built again when its message is sent again: a stopping bot need not
# wait for it.
_builder = Worker("report building", stop_at_close=True)


def close() -> None:
    """End the report-building process, and the building under way with it."""
    _builder.close()


def report_files(figures: Figures, official_id: int | None, locale: str) -> tuple[OutFile, OutFile]:
    """The Word and Excel files of a report, as what to build: its scope (already limited to
    what the asker may see), its period, who asked (the letterhead is theirs) and in which
    language."""
    from bot.reports.build import file_stem  # see report_of

    scope = figures.scope
    what = {
        "label": scope.label,
        "units": sorted(scope.unit_ids),
        "directives": None if scope.directive_ids is None else sorted(scope.directive_ids),
        "directive": scope.directive_id,
        "unit": scope.unit_id,
        "subtree": scope.subtree,
        "period": figures.period.key,
        "official": official_id,
        "locale": locale,
    }
    data = json.dumps(what, ensure_ascii=False).encode()
    stem = file_stem(figures)
    return OutFile(stem + ".docx", data, "report"), OutFile(stem + ".xlsx", data, "report")


async def made(svc: Services, files: Sequence[OutFile]) -> list[OutFile]:
    """The files as they are sent: charts drawn, reports built (the two files of one report
    from one reading of the store, in parallel), any other file as it is."""
    reports: dict[bytes, asyncio.Task[tuple[OutFile, OutFile]]] = {}
    for file in files:
        if file.kind == "report" and file.data not in reports:
            reports[file.data] = asyncio.ensure_future(_report(svc, file.data))
    out = []
    for file in files:
        if file.kind == "chart":
            out.append(OutFile(file.name, await draw_chart(file.data), "photo"))
        elif file.kind == "report":
            docx, xlsx = await reports[file.data]
            out.append(docx if file.name.endswith(".docx") else xlsx)
        else:
            out.append(file)
    return out


async def _report(svc: Services, data: bytes) -> tuple[OutFile, OutFile]:
    now, tz = svc.now(), svc.tz
    if svc.store.location is not None:
        try:
            return await _builder.run(build_aside, svc.store.location, data, now, tz.key)
        except WorkerUnavailable:
            pass
    return await report_of(svc.store, data, now, tz)


def build_aside(
    location: Path | str, data: bytes, now: datetime, tz: str
) -> tuple[OutFile, OutFile]:
    """In the building process: the report's two files, from the database at `location`."""

    async def build() -> tuple[OutFile, OutFile]:
        async with Store.open(location) as store:
            return await report_of(store, data, now, ZoneInfo(tz))

    return asyncio.run(build())


async def report_of(
    store: Store, data: bytes, now: datetime, tz: ZoneInfo
) -> tuple[OutFile, OutFile]:
    """The Word and Excel files of the report `data` describes (see report_files)."""
    what: dict[str, Any] = json.loads(data)
    period = Period.from_key(str(what["period"]))
    if period is None:
        raise ValueError(f"not a report period: {what['period']!r}")
    directives = what["directives"]
    scope = Scope(
        str(what["label"]),
        frozenset(int(u) for u in what["units"]),
        None if directives is None else frozenset(int(d) for d in directives),
        what["directive"],
        what["unit"],
        bool(what["subtree"]),
    )
    me = await store.official(int(what["official"])) if what["official"] else None
    figures = await gather(store, scope, period, now, tz)
    # Imported when a report is made: python-docx and openpyxl take tens of megabytes, which
    # every process sending messages (the sweep from the command line, say) need not load.
    from bot.reports.build import documents

    return await documents(store, figures, me, now, tz, str(what["locale"]))
