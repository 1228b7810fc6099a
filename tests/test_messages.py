"""Every template exists in every language and renders with a sample context."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from bot.domain import Evidence, Identity, Note, Official, TaskStatus, TaskView
from bot.followup.engine import Line
from bot.followup.plan import Owed
from bot.invites import Invite
from bot.reach import UnitReach
from bot.reports.figures import Counts, Figures, Part
from bot.reports.period import month
from bot.reports.scope import Scope
from bot.roster import RosterPlan
from messages import LOCALES, render
from storage.reports import ReportTask

FOLDER = Path(__file__).resolve().parents[1] / "messages"
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
TASK = TaskView(
    1,
    1,
    "412/KH-UBND",
    2,
    "Phòng Nội vụ",
    "lead",
    "Dự thảo\nchi tiết",
    date(2026, 11, 30),
    TaskStatus.OPEN,
    "đạt 40%",
    40,
    datetime(2026, 11, 20, tzinfo=UTC),
)
ME = Official(1, 2, "Phòng Nội vụ", "An", "head")
LATE = ReportTask(
    1, 1, "412/KH-UBND", 2, "Phòng Nội vụ", "lead", "Dự thảo", date(2026, 11, 20), None, None,
    "overdue", True, 3, 40, "vướng kinh phí", datetime(2026, 11, 20, tzinfo=UTC), 1, 0,
)  # fmt: skip
COUNTS = Counts(done_on_time=1, in_progress=2, overdue=1, no_report=3, blocked=1)
FIGURES = Figures(
    scope=Scope("Phòng Nội vụ", frozenset({2})),
    period=month(2026, 11),
    as_of=TODAY,
    counts=COUNTS,
    directives=(Part(1, "412/KH-UBND", COUNTS),),
    units=(Part(2, "Phòng Nội vụ", COUNTS),),
    attention=(LATE,),
    urgent=3,
    silent_units=(Part(2, "Phòng Nội vụ", COUNTS),),
    unreachable_units=("Phòng Y tế",),
)
SUMMARY = {
    "f": FIGURES,
    "day": lambda moment: moment.date(),
    "attention": [LATE],
    "hidden": 2,
    "parts": FIGURES.units,
    "more_parts": 1,
    "kind": "unit",
    "tap": True,
    "silent": FIGURES.silent_units,
    "more_silent": 0,
}
REPORT_ERRORS = re.findall(
    r'code == "(\w+)"', (FOLDER / "vi" / "report_error.j2").read_text("utf-8")
)
ERROR_CODES = re.findall(r'code == "(\w+)"', (FOLDER / "vi" / "error.j2").read_text("utf-8"))
SAMPLES = {
    "start": {"official": ME, "task_count": 2, "linked": True},
    "not_registered": {"user_id": "42", "platform": "zalo", "bad_code": False},
    "help": {"example_date": TODAY},
    "tasks": {
        "tasks": [TASK],
        "groups": [{"unit": "Phòng Nội vụ", "tasks": [TASK]}],
        "grouped": True,
        "scope": "Phòng Nội vụ",
        "filter_name": "quá hạn",
        "total": 7,
        "page": 1,
        "pages": 2,
        "today": TODAY,
    },
    "task": {
        "task": TASK,
        "today": TODAY,
        "chain": ["69-KL/TW", "2018-CV/TU"],
        "lead": TASK,
        "coordinators": [TASK],
        "notes": [Note(datetime(2026, 11, 20, tzinfo=UTC), "An", "đạt 40%", 40, "blocked")],
        "evidence": [Evidence(1, "a.jpg", "photo", 4096, "An", datetime(2026, 11, 21, tzinfo=UTC))],
    },
    "org_name": {},
    "language_set": {},
    "done_awaits_head": {"task": TASK, "asked": True},
    "done_to_confirm": {"task": TASK, "who": ME},
    "channel": {"linked": ["telegram", "zalo"], "chosen": "zalo", "asked": True},
    "which_task": {},
    "menu": {"name": "nhiemvu"},
    "deadline_moved": {"task": TASK, "deadline": TODAY, "who": ME},
    "update_saved": {
        "task": TASK,
        "text": "đạt 40%",
        "percent": 40,
        "done": False,
        "blocked": True,
        "propose_done": True,
        "after_done": False,
    },
    "done_by_member": {"task": TASK, "who": ME},
    "done_note": {},
    "reopen_note": {},
    "reopened": {"task": TASK},
    "evidence_saved": {"task": TASK, "kind": "photo", "file": {"file_name": "a.jpg", "size": 2048}},
    "duplicate_update": {"task": TASK},
    "deadline_set": {"task": TASK, "deadline": TODAY},
    "nudge": {
        "lines": [Line(Owed("before-3", "2026-11-30", "unit", 3, TODAY), TASK)],
        "today": TODAY,
    },
    "digest": {
        "week": "2026-W48",
        "lists": {"overdue": (11, [TASK]), "due_this_week": (0, []), "blocked": (1, [TASK])}
        | {"no_report": (0, [])},
        "silent": ["Phòng Y tế"],
        "refused": [("Phòng Nội vụ", "An")],
        "today": TODAY,
    },
    "period_buttons": {},
    "followup_reply": {"code": "period_set", "number": 3, "period": "yearly"},
    "snooze_buttons": {},
    "summary": SUMMARY,
    "summary_button": {"part": FIGURES.units[0], "kind": "unit"},
    "report_sent": {"f": FIGURES},
    "report_labels": {},
    "report_written": {"path": "bao-cao.docx"},
    "report_error": {"code": "unknown_scope", "name": "Phòng X", "close": ["Phòng Y"]},
    "import_preview": {
        "file_name": "kh.docx",
        "plans": [],
        "changes": [],
        "shown": 5,
        "offered": True,
    },
    "import_offer": {"line": 42},
    "import_corrected": {
        "done": [
            {"what": "deadline", "number": "2", "deadline": TODAY},
            {"what": "unit", "number": "3", "unit": "Phòng Nội vụ"},
            {"what": "skip", "number": "4"},
            {"what": "add", "unit": "Phòng Nội vụ", "text": "Rà soát"},
        ]
    },
    "import_unmatched": {"items": [{"number": 3, "parsed": {"unit": "Sở Nội vụ"}}]},
    "tasks_changed": {"tasks": [TASK], "today": TODAY},
    "import_cancelled": {"file_name": "kh.docx"},
    "import_done": {
        "added": 1,
        "revised": 0,
        "tasks": 3,
        "undated": 1,
        "skipped": [],
        "passed_over": [31, 33],
        "silent": ["Phòng Nội vụ"],
        "removed": 1,
        "retained": 1,
    },
    "new_tasks": {"tasks": [TASK], "today": TODAY},
    "admin_error": {"error": "BadRequest('x')", "user": None},
    "group_chat": {},
    "button": {"key": "done"},
    "ask_note": {"task": TASK},
    "toast": {"what": "done", "task_id": 3},
    "how_to": {"action": "ext", "task": TASK},
    "file_elsewhere": {"names": ["bao-cao.docx"]},
    "choices": {"labels": ["✅ Xác nhận", "❌ Hủy"]},
    "org_deactivate": {"officials": [ME]},
    "org_import": {"plan": RosterPlan(officials_added=2, deactivated=[ME])},
    "org_invite": {"invite": Invite(ME, "ABCD234567", NOW, None), "expires": TODAY},
    "org_status": {
        "units": [
            UnitReach(
                "Phòng Nội vụ",
                [ME],
                [(ME, Identity("telegram", "5", 1, NOW, NOW, NOW, "Forbidden: bot was blocked"))],
            )
        ],
        "total": 3,
    },
}


def test_every_template_is_in_every_language() -> None:
    names = {loc: sorted(p.name for p in (FOLDER / loc).glob("*.j2")) for loc in LOCALES}
    assert names["vi"] == names["en"]
    assert set(SAMPLES) | {"error", "_macros"} == {n.removesuffix(".j2") for n in names["vi"]}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_template_renders(locale: str, name: str) -> None:
    assert render(name, locale, **SAMPLES[name]).strip()


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_messages_render(locale: str, code: str) -> None:
    context = {
        "command": "capnhat",
        "task_id": 3,
        "text": "x",
        "length": 5000,
        "limit": 1000,
        "size": 12,
        "reason": "tệp rỗng.",
        "number": 4,
        "name": "Phòng X",
        "close": ["Phòng Y"],
        "file_name": "kh.pdf",
        "percent": 150,
    }
    text = render("error", locale, code=code, **context)
    assert text and "undefined" not in text


def test_unknown_error_code_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        render("error", "vi", code="no-such-code")


def test_vietnamese_is_the_default_and_english_differs() -> None:
    assert "nhiệm vụ" in render("help", example_date=TODAY)
    assert "tasks" in render("help", "en", example_date=TODAY)
    assert render("help", "fr", example_date=TODAY) == render("help", example_date=TODAY)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", REPORT_ERRORS)
def test_report_errors_render(locale: str, code: str) -> None:
    context = {"name": "Phòng X", "close": ["Phòng Y"], "period": "quý I/2027"}
    text = render("report_error", locale, code=code, **context)
    assert text and "undefined" not in text


def test_summary_renders_counts_then_attention() -> None:
    text = render("summary", "vi", **SUMMARY)
    assert "Tổng 7 nhiệm vụ: ✅ xong đúng hạn 1 · ☑️ xong trễ hạn 0 · 🔄 đang thực hiện 2" in text
    assert (
        text.index("Tổng 7")
        < text.index("Cần lãnh đạo chú ý")
        < text.index("chưa báo cáo kỳ này</b>")
    )
    assert (
        "⛔ <b>#1</b> Phòng Nội vụ · 412/KH-UBND · quá hạn 3 ngày (hạn 20/11/2026) · vướng mắc"
        in text
    )
    assert "↳ 40% · “vướng kinh phí” (20/11/2026)" in text


def test_report_labels_cover_every_column_in_both_languages() -> None:
    keys = [
        {line.split("|")[0] for line in render("report_labels", loc).splitlines()}
        for loc in LOCALES
    ]
    assert keys[0] == keys[1] and {"all_sheet", "overdue", "role_lead"} <= keys[0]
