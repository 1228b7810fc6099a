"""Every template exists in every language and renders with a sample context."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from bot.domain import Official, TaskStatus, TaskView
from bot.followup.engine import Line
from bot.followup.plan import Owed
from bot.summary import compile_summary
from messages import LOCALES, render

FOLDER = Path(__file__).resolve().parents[1] / "messages"
TODAY = date(2026, 11, 23)
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
ME = Official(1, 2, "Phòng Nội vụ", "An", "head", 5, None, None)
ERROR_CODES = re.findall(r'code == "(\w+)"', (FOLDER / "vi" / "error.j2").read_text("utf-8"))
SAMPLES = {
    "start": {"official": ME, "task_count": 2},
    "not_registered": {"user_id": "42"},
    "help": {},
    "tasks": {"tasks": [TASK], "unit_name": "Phòng Nội vụ", "today": TODAY},
    "task": {"task": TASK, "today": TODAY},
    "update_saved": {"task": TASK, "text": "đạt 40%", "percent": 40, "done": False},
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
    "summary": {"scope": "UBND", "directives": [], "today": TODAY},
    "import_preview": {"file_name": "kh.docx", "plans": []},
    "import_cancelled": {"file_name": "kh.docx"},
    "import_done": {"added": 1, "revised": 0, "tasks": 3, "undated": 1},
    "new_tasks": {"tasks": [TASK], "today": TODAY},
    "admin_error": {"error": "BadRequest('x')", "user": None},
    "group_chat": {},
    "file_elsewhere": {"names": ["bao-cao.docx"]},
    "choices": {"labels": ["✅ Xác nhận", "❌ Hủy"]},
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
    }
    text = render("error", locale, code=code, **context)
    assert text and "undefined" not in text


def test_unknown_error_code_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        render("error", "vi", code="no-such-code")


def test_vietnamese_is_the_default_and_english_differs() -> None:
    assert "nhiệm vụ" in render("help")
    assert "tasks" in render("help", "en")
    assert render("help", "fr") == render("help")


def test_summary_renders_counts() -> None:
    text = render(
        "summary",
        "vi",
        scope="UBND",
        directives=compile_summary([TASK], [_directive()], TODAY),
        today=TODAY,
    )
    assert "🔄 đang thực hiện 1 · ⛔ quá hạn 0 · ⚪ chưa báo cáo 0" in text
    assert "• Phòng Nội vụ: #1 🔄 đang thực hiện 40% — đạt 40%" in text


def _directive():  # type: ignore[no-untyped-def]
    from bot.domain import Directive

    return Directive(1, "412/KH-UBND", "Kế hoạch", "UBND", TODAY, "Chuyển đổi số")
