"""Files made when their message is sent, after its text: a summary's chart, a report's Word
and Excel files.

The owed message holds what to make, a few hundred bytes of JSON, so a leader's answer does
not wait for the drawing or the building, and a message cut short by a restart is made
again when it is sent again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from bot.reports.drawing import draw_chart
from bot.reports.figures import Figures, gather
from bot.reports.period import Period
from bot.reports.scope import Scope
from bot.services import Services
from bot.transports.contract import OutFile


def report_files(figures: Figures, official_id: int | None, locale: str) -> tuple[OutFile, OutFile]:
    """The Word and Excel files of a report, as what to build: its scope (already limited to
    what the asker may see), its period, who asked (the letterhead is theirs) and in which
    language."""
    from bot.reports.build import file_stem  # see _report

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
    me = await svc.store.official(int(what["official"])) if what["official"] else None
    figures = await gather(svc.store, scope, period, svc.now(), svc.tz)
    # Imported when a report is made: python-docx and openpyxl take tens of megabytes, which
    # every process sending messages (the sweep from the command line, say) need not load.
    from bot.reports.build import documents

    return await documents(svc.store, figures, me, svc.now(), svc.tz, str(what["locale"]))
